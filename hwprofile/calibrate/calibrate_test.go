package calibrate

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/ollamatest"
)

// testOptions measure on s with the test models' single thread.
func testOptions(t *testing.T, s *ollamatest.Server) Options {
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	b := backend.NewOllama(u, &http.Client{})
	return Options{
		Creator:    b,
		Backend:    b,
		Parameters: ollamatest.Parameters(),
		Progress: func(p bench.Progress) {
			if p.Tokens == 0 && p.Run <= 1 {
				t.Logf("%s %s", p.Model, p.Phase)
			}
		},
	}
}
