package simulate

import (
	"encoding/json"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
)

// oneServerCases are runs on one server whose results were recorded in
// testdata/one-server before replicas existed, so that one replica is known
// to give exactly the results it gave then.
func oneServerCases(t *testing.T) map[string]func() (Config, Source) {
	t.Helper()
	gen := func(a Arrivals) Source {
		g, err := NewGenerator(a)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	exp := func(mean float64, seed uint64) Service {
		s, err := NewExponentialService(mean, seed)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	curve, err := NewCurveService([]CurvePoint{
		{Active: 1, PrefillTokensPerSecond: 400, DecodeTokensPerSecond: 20},
		{Active: 4, PrefillTokensPerSecond: 900, DecodeTokensPerSecond: 50},
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]func() (Config, Source){
		"mm4-spill": func() (Config, Source) {
			return Config{Slots: 4, QueueLimit: 20, Service: exp(1, 9), Policy: Spill{MaxWait: 2}},
				gen(Arrivals{Rate: 3.5, Duration: 20_000, Shape: 0.5, Seed: 5, PromptTokens: 100, OutputTokens: 50})
		},
		"md1-warmup": func() (Config, Source) {
			return Config{Slots: 1, Service: FixedService{Prefill: 0.2, Decode: 0.7}, WarmUp: 600},
				gen(Arrivals{Rate: 1, Duration: 10_000, Seed: 3, PromptTokens: 10, OutputTokens: 10})
		},
		"curve-queue-limit": func() (Config, Source) {
			return Config{Slots: 4, QueueLimit: 3, Service: curve},
				gen(Arrivals{Rate: 0.5, Duration: 8_000, Shape: 2, Seed: 8, PromptTokens: 300, OutputTokens: 60})
		},
	}
}

// legacyJSON is res as JSON without the fields added with replicas.
func legacyJSON(t *testing.T, res Result) []byte {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "busy_seconds")
	delete(m, "idle_seconds")
	out, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestOneServerAsBefore(t *testing.T) {
	for name, setup := range oneServerCases(t) {
		t.Run(name, func(t *testing.T) {
			cfg, src := setup()
			res, err := Run(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "one-server/"+name+".json", legacyJSON(t, res))
		})
	}
}
