// Package data holds the embedded catalogs (prices, models, GPUs, quantization
// types, quality), each with its source and date. Nothing is ever
// downloaded at run time; each catalog's provenance says where it was
// compiled from and when.
//
// Prices: prices/litellm_prices.json is a selection of BerriAI/litellm's
// model_prices_and_context_window.json (the OpenAI, Anthropic and Google chat
// models, price and context fields only) and prices/provenance.json says which
// upstream file and date it was taken from. go generate rewrites both from the
// copy of the upstream file in pricing/testdata; nothing is ever downloaded.
package data
