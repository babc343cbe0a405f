package calibrate

import (
	"fmt"
	"io"
	"strings"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/simulate"
)

// WriteTable writes the fitted costs and the measured points.
func WriteTable(w io.Writer, c simulate.Calibration, path string) error {
	var rows [][]string
	for _, q := range c.Quants {
		rows = append(rows, []string{q.Quant, fmt.Sprintf("%.2f", q.BitsPerWeight),
			ms(q.Decode.OverheadSeconds), msPerMillion(q.Decode.PerWeightSeconds),
			ms(q.Prefill.OverheadSeconds), msPerMillion(q.Prefill.PerWeightSeconds)})
	}
	if err := output.WriteTable(w, []string{"QUANT", "BITS", "DECODE OVERHEAD", "DECODE PER 1M WEIGHTS", "PREFILL OVERHEAD", "PREFILL PER 1M WEIGHTS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows = nil
	for _, r := range c.Residuals {
		held := "-"
		if !r.HeldOutMissing {
			held = fmt.Sprintf("%+.1f%%", 100*(r.HeldOutRatio-1))
		}
		rows = append(rows, []string{r.Model, r.Phase, show.Speed(r.Measured), show.Speed(r.Fitted),
			fmt.Sprintf("%+.1f%%", 100*(r.FittedRatio-1)), held})
	}
	if err := output.WriteTable(w, []string{"MODEL", "PHASE", "MEASURED TOK/S", "FITTED TOK/S", "FIT ERROR", "HELD-OUT ERROR"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nbands (measured / predicted): decode %.2f to %.2f, prefill %.2f to %.2f\n",
		c.DecodeBand.Low, c.DecodeBand.High, c.PrefillBand.Low, c.PrefillBand.High)
	var about []string
	if c.BandwidthGBs > 0 {
		about = append(about, fmt.Sprintf("memory bandwidth %.1f GB/s", c.BandwidthGBs))
	}
	if c.Hardware != "" {
		about = append(about, c.Hardware)
	}
	if c.ServerVersion != "" {
		about = append(about, "Ollama "+c.ServerVersion)
	}
	if len(about) > 0 {
		fmt.Fprintln(w, strings.Join(about, "; "))
	}
	fmt.Fprintf(w, "calibration written to %s\n", path)
	return nil
}

// ms formats seconds as milliseconds; msPerMillion formats seconds per weight as milliseconds per million weights.
func ms(s float64) string           { return fmt.Sprintf("%.3f ms", s*1e3) }
func msPerMillion(s float64) string { return fmt.Sprintf("%.3f ms", s*1e9) }
