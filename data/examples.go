package data

import _ "embed"

//go:generate go run ./internal/genexamples -out examples/openai_usage_example_2026-10.csv.gz

// ExampleUsageName is the file name of the example usage export.
const ExampleUsageName = "openai_usage_example_2026-10.csv.gz"

//go:embed examples/openai_usage_example_2026-10.csv.gz
var exampleUsage []byte

// ExampleUsage returns the example usage export plan report uses when it is
// given none: a made-up team's month (October 2026) of hourly OpenAI usage
// buckets across four workloads (a support bot on gpt-4o-mini, document
// extraction on gpt-4.1-mini, a code assistant on gpt-4o and research on
// o3), about $1,150 at list prices, gzip-compressed. It is synthetic
// (see internal/genexamples) and must always be labelled as example data.
// Each call returns a new copy.
func ExampleUsage() []byte { return append([]byte(nil), exampleUsage...) }

//go:embed examples/tasks.json
var exampleTasks []byte

// ExampleTasksName is the file name of the example task-class mapping.
const ExampleTasksName = "tasks.json"

// ExampleTasks returns the task-class mapping of the example usage: the
// support bot summarizes, extraction extracts, the code assistant
// refactors, and research is complex reasoning (which stays in the cloud).
// Each call returns a new copy.
func ExampleTasks() []byte { return append([]byte(nil), exampleTasks...) }
