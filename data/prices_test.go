package data

import (
	"encoding/json"
	"testing"
)

func TestPrices(t *testing.T) {
	prov, err := PricesProvenance()
	if err != nil {
		t.Fatal(err)
	}
	if prov.Source != "BerriAI/litellm model_prices_and_context_window.json" || prov.Date != "2026-07-24T18:23:43Z" {
		t.Errorf("provenance = %+v; want BerriAI/litellm of 2026-07-24T18:23:43Z", prov)
	}
	var entries map[string]map[string]any
	if err := json.Unmarshal(PricesJSON(), &entries); err != nil {
		t.Fatalf("the embedded price table is not JSON: %v", err)
	}
	if len(entries) != prov.Entries {
		t.Errorf("the price table holds %d entries; provenance says %d", len(entries), prov.Entries)
	}
	b := PricesJSON()
	b[0] = 'x'
	if PricesJSON()[0] != '{' {
		t.Error("changing the bytes PricesJSON returned changed the table")
	}
}
