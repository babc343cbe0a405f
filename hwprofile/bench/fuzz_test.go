package bench

import (
	"strings"
	"testing"
)

// FuzzReadResults: a damaged results file is an error naming the line, never a panic.
func FuzzReadResults(f *testing.F) {
	f.Add(`{"kind":"run","model":"m","decode_tokens_per_second":12.5}` + "\n" + `{"kind":"summary","model":"m","runs":3}` + "\n")
	f.Add(`{"kind":"run"` + "\n")
	f.Add(`{"kind":"other"}` + "\n")
	f.Add("\n\n{}\n")
	f.Add(`{"kind":"run","environment":{"time":"not a time"}}`)
	f.Fuzz(func(t *testing.T, data string) {
		runs, sums, err := ReadResults(strings.NewReader(data), "r.jsonl")
		if err != nil && !strings.HasPrefix(err.Error(), "r.jsonl:") && !strings.HasPrefix(err.Error(), "reading r.jsonl") {
			t.Fatalf("error %q does not name the file and line", err)
		}
		if err == nil && len(runs)+len(sums) > strings.Count(data, "\n")+1 {
			t.Fatalf("%d records from %d lines", len(runs)+len(sums), strings.Count(data, "\n")+1)
		}
	})
}
