package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; otherwise
// it comes from the module build information.
var version = ""

func planVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "plan",
		Short: "Decide how much of your LLM work to run on your own hardware",
		Long: `plan measures this machine and the models it serves, reads the usage exports of your
cloud LLM providers and prices them exactly, and tells you which open models to run
locally, how much of that traffic they can take, and when the hardware pays for itself.
Start with plan report (on example data until you give it your exports with --usage).

plan sends nothing anywhere except to the model server you point it at.`,
		Example: `  $ plan report
  $ plan report --usage completions_usage_2026-10.csv --gpu "RTX 4090" --format html -o report.html
  $ plan recommend --gpu "RTX 4060 Ti 16GB"
  $ plan profile
  $ plan profile --bandwidth -o profile.json
  $ plan benchmark --model llama3.2:1b
  $ plan benchmark --model qwen2.5:7b --prompt-tokens 128,1024,4096 --concurrency 1,2,4 --format json
  $ plan usage completions_usage_2025-10-01_2025-10-31.csv --by day
  $ plan prices claude
  $ plan simulate --rate 0.2 --duration 1h --decode-tps 40 --prefill-tps 800 --slots 2`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       planVersion(),
	}
	root.PersistentFlags().BoolVar(&e.wide, "wide", false, "show every column of a table, whatever the terminal's width")
	root.SetVersionTemplate("plan {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newVersionCmd(e))
	root.AddCommand(newProfileCmd(e))
	root.AddCommand(newBenchmarkCmd(e))
	root.AddCommand(newUsageCmd(e))
	root.AddCommand(newPricesCmd(e))
	root.AddCommand(newSimulateCmd(e))
	root.AddCommand(newRecommendCmd(e))
	root.AddCommand(newReportCmd(e))
	addHelpTopics(root)
	root.SetHelpTemplate(helpTemplate)
	hideSentinelDefaults(root)
	return root
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of plan",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(e.stdout, "plan %s\n", planVersion())
			return err
		},
	}
}
