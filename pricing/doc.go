// Package pricing holds the cloud side of the comparison: dated price tables
// in the LiteLLM schema, model-name canonicalisation, and the cost of usage.
package pricing
