// Package backend connects the benchmark runner to model servers: Ollama through
// its own API, and any OpenAI-compatible server (llama.cpp's server, vLLM, LM
// Studio, Ollama's /v1) through streaming chat completions.
package backend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// UnreachableError says that nothing answered at a server's address.
type UnreachableError struct {
	Kind string // "Ollama" or "OpenAI-compatible server"
	URL  string
	Err  error
}

func (e *UnreachableError) Error() string {
	hint := "is the server running? use --host to point elsewhere"
	if e.Kind == "Ollama" {
		hint = "is `ollama serve` running? use --host or OLLAMA_HOST to point elsewhere"
	}
	return fmt.Sprintf("cannot reach %s at %s (%s): %s", e.Kind, e.URL, shortReason(e.Err), hint)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// ModelNotFoundError says that the server does not have a model.
type ModelNotFoundError struct {
	Model     string
	URL       string
	Installed []string
}

func (e *ModelNotFoundError) Error() string {
	msg := fmt.Sprintf("model %q is not installed on %s", e.Model, e.URL)
	if len(e.Installed) == 0 {
		return msg + " (no models are installed; use --pull to download it)"
	}
	return fmt.Sprintf("%s; installed: %s (use --pull to download it)", msg, strings.Join(e.Installed, ", "))
}

// ServerError is an error the server reported while it was answering.
type ServerError struct {
	URL     string
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("server at %s reported: %s", e.URL, e.Message)
}

// isUnreachable tells whether err means no connection could be made or kept.
func isUnreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) || errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET)
}

// shortReason turns a transport error into a few words.
func shortReason(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "unknown host " + dns.Name
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// wrapTransport turns err into an UnreachableError when it is a connection failure.
func wrapTransport(kind, base string, err error) error {
	if isUnreachable(err) {
		return &UnreachableError{Kind: kind, URL: base, Err: err}
	}
	return err
}
