package data

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// Every CSV catalog parses, and its provenance counts its rows.
func TestCatalogs(t *testing.T) {
	for _, c := range []struct {
		name string
		csv  []byte
		prov func() (Provenance, error)
	}{
		{"gpus", GPUsCSV(), GPUsProvenance},
		{"models", ModelsCSV(), ModelsProvenance},
		{"quants", QuantsCSV(), QuantsProvenance},
		{"quality", QualityCSV(), QualityProvenance},
	} {
		r := csv.NewReader(bytes.NewReader(c.csv))
		r.Comment = '#'
		r.LazyQuotes = true
		recs, err := r.ReadAll()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		p, err := c.prov()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if rows := len(recs) - 1; rows != p.Entries || p.Source == "" || p.Date == "" {
			t.Errorf("%s: %d rows, provenance %+v", c.name, rows, p)
		}
	}
}
