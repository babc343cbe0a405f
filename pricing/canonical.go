package pricing

import (
	"strconv"
	"strings"
	"unicode"
)

// Canonical returns the name usage of a model is grouped by, whatever the
// export called it: lower case, without a provider prefix, variant or
// snapshot date, with display names and other spellings brought to the
// providers' own API names. For example:
//
//	gpt-4o-2024-08-06, openai/gpt-4o-2024-08-06, GPT-4o  → gpt-4o
//	gpt-5-mini-2025-08-07                                → gpt-5-mini
//	claude-sonnet-4-20250514, Claude Sonnet 4,
//	claude-4-sonnet-20250514, claude-sonnet-4-0         → claude-sonnet-4
//	Claude Haiku 4.5, anthropic/claude-haiku-4.5         → claude-haiku-4-5
//	claude-3-5-sonnet-20241022, anthropic/claude-3.5-sonnet,
//	claude-3-5-sonnet-latest, vertex_ai/claude-3-5-sonnet@20240620 → claude-3-5-sonnet
//	gemini/gemini-2.0-flash-001, models/gemini-2.0-flash → gemini-2.0-flash
//	ft:gpt-4o-mini-2024-07-18:acme::abc123              → ft:gpt-4o-mini
//
// The rules, in order: trim and lower-case; keep what follows the last "/"
// (provider prefixes, OpenRouter slugs, models/); keep a fine-tune's "ft:"
// and base model; cut at ":" (OpenRouter variants such as :thinking,
// Bedrock versions); Vertex AI's "@" before a version becomes "-"; spaces
// become "-"; drop vendor words (openai-, anthropic-, google-, and dotted prefixes such as
// us.anthropic.); for Claude, dots become "-", family and version are put
// in the API's order (claude-3-5-sonnet before version 4, claude-sonnet-4
// from 4 on) and a minor version 0 is dropped; then date and version
// suffixes are cut until none is left: -latest, -YYYY-MM-DD, -YYYYMMDD,
// -MM-YYYY, -MM-DD, -MMDD, Gemini's -001 and Claude's -v2.
func Canonical(name string) string {
	_, canonical := names(name)
	return canonical
}

// names returns the two forms of a model name that lookups use: dated keeps
// snapshot dates (gpt-4o-2024-08-06), canonical does not (gpt-4o).
func names(name string) (dated, canonical string) {
	s := strings.ToLower(strings.TrimSpace(name))
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	ft := false
	if rest, ok := strings.CutPrefix(s, "ft:"); ok {
		ft, s = true, rest
	}
	s, _, _ = strings.Cut(s, ":")
	s = vertexVersion(s)
	dated = settle(dropVendor(hyphenate(s)), claudeForm)
	canonical = settle(dated, func(s string) string { return claudeForm(cutSuffix(s)) })
	if ft && dated != "" {
		return "ft:" + dated, "ft:" + canonical
	}
	return dated, canonical
}

// vertexVersion turns Vertex AI's version suffix into a plain one:
// claude-3-5-sonnet@20240620 becomes claude-3-5-sonnet-20240620; @default
// and @latest are dropped.
func vertexVersion(s string) string {
	name, version, ok := strings.Cut(s, "@")
	if !ok || version == "default" || version == "latest" || version == "" {
		return name
	}
	return name + "-" + strings.ReplaceAll(version, "@", "-")
}

// hyphenate turns runs of white space and hyphens into one hyphen and trims
// hyphens from both ends: "GPT-4o  mini" becomes "gpt-4o-mini".
func hyphenate(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || unicode.IsSpace(r) })
	return strings.Join(fields, "-")
}

// dropVendor removes vendor words that display names and other catalogs put
// before the model name: "openai-", "anthropic-", "google-", and dotted
// prefixes of letters only, as in Bedrock's us.anthropic.claude-...
func dropVendor(s string) string {
	for {
		before := s
		for _, v := range []string{"openai-", "anthropic-", "google-"} {
			if rest, ok := strings.CutPrefix(s, v); ok && rest != "" {
				s = rest
			}
		}
		if i := strings.IndexByte(s, '.'); i > 0 && lettersOnly(s[:i]) && strings.Trim(s[i+1:], "-") != "" {
			s = strings.TrimLeft(s[i+1:], "-")
		}
		if s == before {
			return s
		}
	}
}

func lettersOnly(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

func isClaude(s string) bool { return s == "claude" || strings.HasPrefix(s, "claude-") }

// claudeFamilies are the Claude families whose names put the version before
// the family up to Claude 3.x and after it from Claude 4 on.
var claudeFamilies = map[string]bool{"opus": true, "sonnet": true, "haiku": true}

// claude brings a Claude name to the API's form: claude-3-5-sonnet,
// claude-sonnet-4, claude-opus-4-1 (from claude-3.5-sonnet, Claude Sonnet 4,
// claude-4-opus-4.1, claude-sonnet-4-0, ...).
func claude(s string) string {
	s = hyphenate(strings.ReplaceAll(s, ".", "-"))
	parts := strings.Split(s, "-")
	family, version, rest, ok := claudeParts(parts[1:])
	if !ok {
		return s
	}
	if len(version) == 2 && version[1] == "0" {
		version = version[:1]
	}
	out := []string{"claude"}
	if major, _ := strconv.Atoi(version[0]); major >= 4 {
		out = append(append(append(out, family), version...), rest...)
	} else {
		out = append(append(append(out, version...), family), rest...)
	}
	return strings.Join(out, "-")
}

// claudeParts finds the family and the version (one or two small numbers) in
// either order at the start of parts, and what follows them.
func claudeParts(parts []string) (family string, version, rest []string, ok bool) {
	if len(parts) >= 2 && claudeFamilies[parts[0]] {
		if v, n := versionParts(parts[1:]); n > 0 {
			return parts[0], v, parts[1+n:], true
		}
	}
	if v, n := versionParts(parts); n > 0 && len(parts) > n && claudeFamilies[parts[n]] {
		return parts[n], v, parts[n+1:], true
	}
	return "", nil, nil, false
}

// versionParts returns the leading version numbers of parts: a major of one
// or two digits, and optionally a minor of one digit.
func versionParts(parts []string) ([]string, int) {
	if len(parts) == 0 || !digits(parts[0], 1, 2) {
		return nil, 0
	}
	if len(parts) > 1 && digits(parts[1], 1, 1) {
		return parts[:2:2], 2
	}
	return parts[:1:1], 1
}

// digits reports whether s is between lo and hi ASCII digits long.
func digits(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// settle applies step until it changes nothing.
func settle(s string, step func(string) string) string {
	for range 64 {
		next := step(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

// claudeForm applies claude to Claude names and leaves others alone.
func claudeForm(s string) string {
	if isClaude(s) {
		return claude(s)
	}
	return s
}

// cutSuffix cuts one date or version suffix from s, if it has one.
func cutSuffix(s string) string {
	if rest, ok := strings.CutSuffix(s, "-latest"); ok {
		return rest
	}
	parts := strings.Split(s, "-")
	n := len(parts)
	last := parts[n-1]
	switch {
	case n >= 4 && digits(parts[n-3], 4, 4) && isDate(parts[n-3], parts[n-2], last): // -2024-08-06
		return strings.Join(parts[:n-3], "-")
	case n >= 3 && digits(last, 4, 4) && isDate(last, parts[n-2], "01"): // -09-2025
		return strings.Join(parts[:n-2], "-")
	case n >= 2 && digits(last, 8, 8) && isDate(last[:4], last[4:6], last[6:]): // -20250514
		return strings.Join(parts[:n-1], "-")
	case n >= 3 && digits(parts[n-2], 2, 2) && isDate("2000", parts[n-2], last): // -06-17
		return strings.Join(parts[:n-2], "-")
	case n >= 2 && digits(last, 4, 4) && isDate("2000", last[:2], last[2:]): // -0613
		return strings.Join(parts[:n-1], "-")
	case n >= 2 && parts[0] == "gemini" && digits(last, 3, 3) && last[0] == '0': // -001
		return strings.Join(parts[:n-1], "-")
	case n >= 2 && isClaude(s) && len(last) > 1 && last[0] == 'v' && digits(last[1:], 1, 2) && hasFamily(parts): // -v2
		return strings.Join(parts[:n-1], "-")
	}
	return s
}

// isDate reports whether year, month and day (as written, two-digit month and
// day) make a plausible date of a model snapshot.
func isDate(year, month, day string) bool {
	if !digits(year, 4, 4) || !digits(month, 2, 2) || !digits(day, 2, 2) {
		return false
	}
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	return y >= 2000 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func hasFamily(parts []string) bool {
	for _, p := range parts {
		if claudeFamilies[p] {
			return true
		}
	}
	return false
}
