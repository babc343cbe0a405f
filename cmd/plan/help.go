package main

import (
	"embed"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// helpFiles are the long texts of plan help TOPIC.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpTopics are the topics of plan help: the method, the metrics and the
// what-if hardware, which the commands' --help pages point to.
var helpTopics = []struct{ name, short string }{
	{"method", "How plan decides: the report, recommendations, simulation, benchmark and calibration"},
	{"metrics", "What every figure plan prints measures, and from which numbers"},
	{"hardware", "The what-if hardware flags: --gpu, --count, --profile, --vram, --bandwidth, --tflops"},
}

// topic returns the text of a help topic.
func topic(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("help topic " + name + " is not embedded")
	}
	return strings.TrimRight(string(b), "\n")
}

// addHelpTopics adds the topics to root, for plan help TOPIC.
func addHelpTopics(root *cobra.Command) {
	for _, t := range helpTopics {
		root.AddCommand(&cobra.Command{Use: t.name, Short: t.short, Long: topic(t.name)})
	}
}

// seeAlso is the last paragraph of a --help page: where the long texts are.
const seeAlso = "How it works: plan help method. What each figure means: plan help metrics."

// helpTemplate is every --help page: what the command does, examples
// first, then the command line and its flags.
const helpTemplate = `{{with .Long}}{{.}}{{else}}{{.Short}}{{end}}
{{if .HasExample}}
Examples:
{{.Example}}
{{end}}{{if .Runnable}}
Usage: {{.UseLine}}
{{end}}{{if .HasAvailableSubCommands}}
Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}{{if .Runnable}}
  {{rpad .Name .NamePadding}} {{.Short}}{{end}}{{end}}{{end}}

Help topics (plan help TOPIC):{{range .Commands}}{{if and (not .Runnable) (not .HasSubCommands) (ne .Name "help")}}
  {{rpad .Name .NamePadding}} {{.Short}}{{end}}{{end}}
{{end}}{{if .HasAvailableLocalFlags}}
Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}
{{end}}{{if .HasAvailableInheritedFlags}}
Global flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}
{{end}}`

// hideSentinelDefaults keeps --help from showing "(default -1)" for flags
// whose -1 means "work it out": their usage says what the default is.
func hideSentinelDefaults(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.DefValue == "-1" {
			f.DefValue = "0" // what pflag takes for a number with nothing to show
		}
	})
	for _, c := range cmd.Commands() {
		hideSentinelDefaults(c)
	}
}
