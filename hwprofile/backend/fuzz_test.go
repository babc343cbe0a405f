package backend

import (
	"strings"
	"testing"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// FuzzReadChatStream feeds arbitrary bytes to the server-sent-events reader:
// it must never panic, and a body without events yields nothing.
func FuzzReadChatStream(f *testing.F) {
	f.Add("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\ndata: [DONE]\n")
	f.Add("data: {\"error\":{\"message\":\"x\"}}\n")
	f.Add("data: {\"choices\":[{\"delta\":{}}],\"timings\":{\"prompt_ms\":1e308,\"predicted_ms\":-5}}\n")
	f.Add(": comment\r\ndata:{}\r\n\r\n")
	f.Add("data: " + strings.Repeat("x", 70000) + "\n")
	f.Fuzz(func(t *testing.T, body string) {
		n := 0
		u, err := readChatStream(strings.NewReader(body), func(c bench.Chunk) error {
			n += len(c.Text)
			return nil
		})
		if !strings.Contains(body, "data:") && (err != nil || n != 0 || u != (bench.Usage{})) {
			t.Fatalf("a body without events gave %+v, %d bytes of text, %v", u, n, err)
		}
	})
}

// FuzzParseHost: any string either parses to an http(s) URL with a port or is an error.
func FuzzParseHost(f *testing.F) {
	for _, s := range []string{"localhost", ":11434", "http://[::1]:8080/v1", "https://h/x", "0.0.0.0", "a b", "http://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseHost(s, "11434")
		if err != nil {
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Port() == "" {
			t.Fatalf("ParseHost(%q) = %q: want an http(s) URL with a port", s, u)
		}
	})
}
