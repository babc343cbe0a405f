// Package data holds the embedded catalogs (prices, models, GPUs, quantization
// types, quality), each with its source and date.
package data
