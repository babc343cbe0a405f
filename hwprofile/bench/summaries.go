package bench

import (
	"errors"
	"fmt"
	"os"
)

// ReadSummaries reads the summaries of a plan benchmark results file. A
// torn last line (a run cut short) is passed to warn, not an error.
func ReadSummaries(path string, warn func(string)) ([]Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--bench: %w", err)
	}
	defer f.Close()
	_, sums, err := ReadResults(f, path)
	var torn *TornLineError
	if errors.As(err, &torn) {
		warn(err.Error())
		return sums, nil
	}
	return sums, err
}
