package data

import (
	_ "embed"
)

//go:generate go run ./internal/genprices -in ../pricing/testdata/litellm_model_prices_2026-07-24.json -updated 2026-07-24T18:23:43Z -out prices

//go:embed prices/litellm_prices.json
var pricesJSON string

//go:embed prices/provenance.json
var pricesProvenance string

// Provenance says where an embedded catalog came from and as of when.
type Provenance struct {
	Source    string `json:"source"`    // who publishes it, and which file
	URL       string `json:"url"`       // where the source is published
	Date      string `json:"date"`      // the source's own last update (RFC 3339)
	Selection string `json:"selection"` // what was taken from the source
	Entries   int    `json:"entries"`   // how many entries were taken
}

// PricesJSON returns the embedded price table: the OpenAI, Anthropic and
// Google chat models of LiteLLM's model_prices_and_context_window.json, in
// that file's schema (a JSON object of entries keyed by model name; prices in
// USD per token), with their price, context and deprecation fields only.
// Each call returns a new copy.
func PricesJSON() []byte { return []byte(pricesJSON) }

// PricesProvenance returns the source and date of the embedded price table.
func PricesProvenance() (Provenance, error) { return provenance(pricesProvenance, "price") }
