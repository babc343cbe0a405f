package main

import (
	"fmt"
	"strings"

	"github.com/plan-cli/plan/pricing/usage"
)

// usageLong is the help of plan usage, with the formats it reads.
var usageLong = `Read cloud usage exports, the files the providers let you download, and price
them exactly with a dated price table. Inputs may be files, directories, - for
standard input, and gzip-compressed files. The format of each file is detected
from its header; --input-format overrides it. Nothing is sent anywhere.

Formats
` + formatList() + `
Tokens, cost and load shape, and how bad rows are handled: plan help metrics.`

func formatList() string {
	var b strings.Builder
	for _, f := range usage.Formats() {
		fmt.Fprintf(&b, "  %-22s %s\n", f.Name, f.Description)
	}
	return b.String()
}
