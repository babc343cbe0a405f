package backend

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// DefaultOllamaHost is where Ollama listens unless told otherwise.
const DefaultOllamaHost = "http://127.0.0.1:11434"

// ParseHost turns a host as users write it ("localhost", ":11434",
// "10.0.0.5:8080", "https://gpu-box/ollama") into a base URL. A missing
// scheme is http; a missing port is defaultPort.
func ParseHost(s, defaultPort string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty host")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("host %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("host %q: scheme must be http or https", s)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = defaultPort
		if u.Scheme == "https" {
			port = "443"
		}
	}
	u.Host = net.JoinHostPort(host, port)
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// NewHTTPClient is the HTTP client of every command that talks to a model
// server: straight to the server named, never through a proxy from
// HTTP_PROXY or HTTPS_PROXY (the server is the user's own, usually on this
// machine or its network), connecting within connect and, when timeout is
// above 0, giving up on a whole exchange after timeout.
func NewHTTPClient(connect, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: connect}).DialContext,
		ResponseHeaderTimeout: 0,
		MaxIdleConnsPerHost:   64,
	}}
}

// Open returns the backend of kind ("ollama" or "openai") at host, which
// may be empty for the kind's default address.
func Open(kind, host, apiKey string, hc *http.Client) (bench.Backend, error) {
	if kind == "openai" {
		u, err := ParseHost(host, "8080")
		if err != nil {
			return nil, err
		}
		return NewOpenAI(u, hc, apiKey), nil
	}
	if host == "" {
		host = DefaultOllamaHost
	}
	u, err := ParseHost(host, "11434")
	if err != nil {
		return nil, err
	}
	return NewOllama(u, hc), nil
}
