// Package hostile holds names from outside that tests feed to every output
// a shell, YAML parser, spreadsheet or terminal reads.
package hostile

// Names are names a server, an export or a price file might carry: shell
// substitutions, spreadsheet formulas, YAML syntax, terminal escapes and
// line breaks.
var Names = []string{
	"x\n$(id)", "x`id`", "x; rm -rf ~", "=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)",
	"x\x1b[31mred", "x\x07bell", "a: b # c", "\"quoted\"", "x\r\ny", "\ttab",
}
