package pricing

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCanonical(t *testing.T) {
	tests := []struct{ name, want string }{
		// OpenAI snapshots, prefixes and display names.
		{"gpt-4o", "gpt-4o"},
		{"gpt-4o-2024-08-06", "gpt-4o"},
		{"openai/gpt-4o-2024-08-06", "gpt-4o"},
		{"GPT-4o", "gpt-4o"},
		{"GPT-4o mini", "gpt-4o-mini"},
		{"openrouter/openai/gpt-4o-mini", "gpt-4o-mini"},
		{"gpt-5-mini-2025-08-07", "gpt-5-mini"},
		{"gpt-5-2025-08-07", "gpt-5"},
		{"  GPT-4.1 mini  ", "gpt-4.1-mini"},
		{"gpt-4.1-2025-04-14", "gpt-4.1"},
		{"o3-2025-04-16", "o3"},
		{"o1-pro-2025-03-19", "o1-pro"},
		{"OpenAI o3", "o3"},
		{"gpt-4-0613", "gpt-4"},
		{"gpt-3.5-turbo-0125", "gpt-3.5-turbo"},
		{"gpt-4-1106-preview", "gpt-4-1106-preview"},
		{"chatgpt-4o-latest", "chatgpt-4o"},
		{"gpt-5-chat-latest", "gpt-5-chat"},
		{"gpt-5.1-codex", "gpt-5.1-codex"},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini"},
		{"azure/gpt-4o", "gpt-4o"},

		// Anthropic: dates, both word orders, dots, display names, other hosts.
		{"claude-sonnet-4-20250514", "claude-sonnet-4"},
		{"claude-4-sonnet-20250514", "claude-sonnet-4"},
		{"anthropic/claude-4-sonnet-20250522", "claude-sonnet-4"},
		{"Claude Sonnet 4", "claude-sonnet-4"},
		{"claude-sonnet-4-0", "claude-sonnet-4"},
		{"Claude Haiku 4.5", "claude-haiku-4-5"},
		{"claude-haiku-4-5-20251001", "claude-haiku-4-5"},
		{"anthropic/claude-haiku-4.5", "claude-haiku-4-5"},
		{"claude-opus-4-1-20250805", "claude-opus-4-1"},
		{"Claude Opus 4.1", "claude-opus-4-1"},
		{"claude-3-5-sonnet-20241022", "claude-3-5-sonnet"},
		{"claude-3-5-sonnet-latest", "claude-3-5-sonnet"},
		{"anthropic/claude-3.5-sonnet", "claude-3-5-sonnet"},
		{"anthropic/claude-3.5-sonnet:beta", "claude-3-5-sonnet"},
		{"Claude 3.5 Sonnet", "claude-3-5-sonnet"},
		{"Claude Sonnet 3.7", "claude-3-7-sonnet"},
		{"anthropic/claude-3.7-sonnet:thinking", "claude-3-7-sonnet"},
		{"claude-3-haiku-20240307", "claude-3-haiku"},
		{"vertex_ai/claude-3-5-sonnet@20240620", "claude-3-5-sonnet"},
		{"vertex_ai/claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"},
		{"vertex_ai/claude-opus-4-6@default", "claude-opus-4-6"},
		{"us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"},
		{"bedrock/anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"},
		{"claude-2.1", "claude-2-1"},

		// Google.
		{"gemini/gemini-2.5-pro", "gemini-2.5-pro"},
		{"google/gemini-2.5-pro", "gemini-2.5-pro"},
		{"Gemini 2.5 Pro", "gemini-2.5-pro"},
		{"models/gemini-2.0-flash-001", "gemini-2.0-flash"},
		{"gemini-2.5-flash-preview-09-2025", "gemini-2.5-flash-preview"},
		{"gemini-2.5-flash-lite-preview-06-17", "gemini-2.5-flash-lite-preview"},

		// Others are left alone where a suffix is not a date or version.
		{"deepseek/deepseek-chat", "deepseek-chat"},
		{"deepseek-v3", "deepseek-v3"},
		{"mistral-large-2411", "mistral-large-2411"},
		{"text-embedding-3-large", "text-embedding-3-large"},
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		if got := Canonical(tt.name); got != tt.want {
			t.Errorf("Canonical(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestNamesKeepDates(t *testing.T) {
	tests := []struct{ name, dated string }{
		{"openai/gpt-4o-2024-08-06", "gpt-4o-2024-08-06"},
		{"claude-4-sonnet-20250514", "claude-sonnet-4-20250514"},
		{"vertex_ai/claude-3-5-haiku@20241022", "claude-3-5-haiku-20241022"},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini-2024-07-18"},
		{"Claude Haiku 4.5", "claude-haiku-4-5"},
	}
	for _, tt := range tests {
		if got, _ := names(tt.name); got != tt.dated {
			t.Errorf("names(%q) dated = %q; want %q", tt.name, got, tt.dated)
		}
	}
}

// checkCanonical checks the properties every canonical name has.
func checkCanonical(t *testing.T, name string) {
	t.Helper()
	c := Canonical(name)
	if again := Canonical(c); again != c {
		t.Errorf("Canonical(%q) = %q, but Canonical(%q) = %q; want it unchanged", name, c, c, again)
	}
	if c != strings.ToLower(c) && utf8.ValidString(name) {
		t.Errorf("Canonical(%q) = %q; want lower case", name, c)
	}
	if strings.ContainsAny(c, " /@") {
		t.Errorf("Canonical(%q) = %q; want no spaces, slashes or @", name, c)
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"gpt-4o-2024-08-06", "Claude Sonnet 4", "anthropic/claude-3.5-sonnet:beta",
		"vertex_ai/claude-opus-4-6@default", "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
		"ft:gpt-4o-mini-2024-07-18:acme::abc123", "gemini-2.5-flash-preview-09-2025", "claude-sonnet-4-0-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		checkCanonical(t, name)
	})
}
