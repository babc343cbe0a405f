package usage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Format names, as Options.Format takes them and Record.Format reports them.
const (
	FormatOpenAIUsageCSV     = "openai-usage-csv"
	FormatOpenAICostCSV      = "openai-cost-csv"
	FormatOpenAIUsageJSON    = "openai-usage-json"
	FormatOpenAICostJSON     = "openai-cost-json"
	FormatAnthropicUsageCSV  = "anthropic-usage-csv"
	FormatAnthropicCostCSV   = "anthropic-cost-csv"
	FormatAnthropicUsageJSON = "anthropic-usage-json"
	FormatOpenRouterCSV      = "openrouter-csv"
	FormatLiteLLMSpendCSV    = "litellm-spendlogs-csv"
	FormatLiteLLMDailyCSV    = "litellm-daily-csv"
	FormatGenericCSV         = "generic-csv"
)

// FormatInfo describes one export format, for help text and errors.
type FormatInfo struct {
	Name        string   `json:"name"`        // what Options.Format takes
	Description string   `json:"description"` // what it is and where it comes from
	Required    []string `json:"required"`    // CSV columns, or JSON fields, that identify it
}

var (
	// errEmpty is the reason for a required value that is missing.
	errEmpty = errors.New("empty")
	// errNoUsage marks a row that carries no usage, such as an empty time
	// bucket: skipped silently, not a bad row.
	errNoUsage = errors.New("no usage")
)

// rowParser turns one CSV row into a record. It returns the row's first bad
// value, or errNoUsage for a row to skip silently.
type rowParser interface {
	parse(r *row, rec *Record) error
}

// csvFormat is a CSV export: the columns that identify it and how to bind a
// row parser to a header.
type csvFormat struct {
	FormatInfo
	bind func(h header) rowParser
}

// csvFormats lists the CSV formats; detection picks the one whose required
// columns are all present, the most specific (most required columns) first.
var csvFormats = []csvFormat{
	{openAIUsageInfo, bindOpenAIUsage},
	{openAICostInfo, bindOpenAICost},
	{anthropicUsageInfo, bindAnthropicUsage},
	{anthropicCostInfo, bindAnthropicCost},
	{openRouterInfo, bindOpenRouter},
	{liteLLMSpendInfo, bindLiteLLMSpend},
	{liteLLMDailyInfo, bindLiteLLMDaily},
	{genericInfo, bindGeneric},
}

// jsonFormats lists the JSON formats; a JSON file's results are told apart by
// their fields.
var jsonFormats = []FormatInfo{openAIUsageJSONInfo, openAICostJSONInfo, anthropicUsageJSONInfo}

// Formats lists every format Read understands.
func Formats() []FormatInfo {
	out := make([]FormatInfo, 0, len(csvFormats)+len(jsonFormats))
	for _, f := range csvFormats {
		out = append(out, f.FormatInfo)
	}
	out = append(out, jsonFormats...)
	for i := range out {
		out[i].Required = slices.Clone(out[i].Required)
	}
	return out
}

// formatNames is the list of names for error messages.
func formatNames() string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// checkFormat fails for a format name Read does not know.
func checkFormat(name string) error {
	if name == "" || slices.ContainsFunc(Formats(), func(f FormatInfo) bool { return f.Name == name }) {
		return nil
	}
	return fmt.Errorf("unknown format %q (formats: %s)", name, formatNames())
}

func isJSONFormat(name string) bool {
	return slices.ContainsFunc(jsonFormats, func(f FormatInfo) bool { return f.Name == name })
}

// detectCSV picks the format of a CSV header, or the one named by want.
func detectCSV(h header, want string) (*csvFormat, error) {
	if want != "" {
		return bindWanted(h, want)
	}
	var best *csvFormat
	for i := range csvFormats {
		f := &csvFormats[i]
		if len(h.missing(f.Required)) == 0 && (best == nil || len(f.Required) > len(best.Required)) {
			best = f
		}
	}
	if best == nil && isEmptyOpenAIHeader(h) {
		best = &csvFormats[0]
	}
	if best == nil {
		return nil, fmt.Errorf("unknown export format: columns %s; formats read: %s "+
			"(or convert the file to %s: %s)",
			seenColumns(h.names), formatNames(), FormatGenericCSV, strings.Join(genericInfo.Required, ", "))
	}
	return best, nil
}

// bindWanted checks a header against the format the caller named.
func bindWanted(h header, want string) (*csvFormat, error) {
	i := slices.IndexFunc(csvFormats, func(f csvFormat) bool { return f.Name == want })
	if i < 0 {
		return nil, fmt.Errorf("this is a CSV file, not %s", want)
	}
	f := &csvFormats[i]
	if miss := h.missing(f.Required); len(miss) > 0 && !(i == 0 && isEmptyOpenAIHeader(h)) {
		return nil, fmt.Errorf("not a %s export: missing columns %s (columns %s)",
			want, strings.Join(miss, ", "), seenColumns(h.names))
	}
	return f, nil
}

// seenColumns quotes the first columns of a header for an error message.
func seenColumns(names []string) string {
	const show = 12
	var b strings.Builder
	for i, n := range names {
		if i == show {
			fmt.Fprintf(&b, ", ... (%d in all)", len(names))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteColumn(n))
	}
	return b.String()
}

// quoteColumn quotes a column name, cut short if it is long (a binary file
// read as CSV has one enormous "column").
func quoteColumn(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// FormatNames are the names of the formats, for --input-format.
func FormatNames() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return names
}

// KnownFormat reports whether name is one of FormatNames.
func KnownFormat(name string) bool { return slices.Contains(FormatNames(), name) }
