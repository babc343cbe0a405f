package bench

// The requests a level's decode figure comes from (Summary.DecodeBasis).
const (
	// BasisComplete is the valid requests, each rated by the server's
	// counts and durations (or the client's clock where the server reports
	// none; Summary.RateSource says which).
	BasisComplete = "complete-requests"
	// BasisStream is every request that streamed, short ones included,
	// each timed on the client from its streamed tokens.
	BasisStream = "client-stream"
)

// requestBudget is how many times MaxRuns requests a client may send in one
// level while fewer than MinRuns of its requests are valid.
const requestBudget = 3

// valid tells whether a request is a decode measurement: the server finished
// it (a generation cut short has no final statistics) and it produced at
// least half the tokens asked for (a stop or repeat limit reached sooner
// leaves too few tokens to time).
func valid(run Run) bool {
	return run.Error == "" && run.Complete && run.DecodeTokensPerSecond > 0 && 2*run.OutputTokens >= run.MaxTokens
}

func validRuns(runs []Run) []Run {
	var out []Run
	for _, run := range runs {
		if valid(run) {
			out = append(out, run)
		}
	}
	return out
}

// basis returns the requests the statistics are made of, and its name: the
// valid ones when there are at least minValid of them or when every request
// that ended without an error is valid (a level interrupted early); else
// every request that streamed, timed on the client.
func basis(runs []Run, minValid int) ([]Run, string) {
	ok, streamed := validRuns(runs), streamedRuns(runs)
	if len(ok) > 0 && (len(ok) >= minValid || len(ok) == len(streamed)) {
		return ok, BasisComplete
	}
	return streamed, BasisStream
}

// streamedRuns returns the requests that ended without an error.
func streamedRuns(runs []Run) []Run {
	var out []Run
	for _, run := range runs {
		if run.Error == "" {
			out = append(out, run)
		}
	}
	return out
}

// rate is a request's decode rate on a basis.
func rate(run Run, basis string) float64 {
	if basis == BasisStream {
		return run.ClientDecodeTokensPerSecond
	}
	return run.DecodeTokensPerSecond
}

// rates returns the decode rates of runs on a basis, leaving out those not measured.
func rates(runs []Run, basis string) []float64 {
	var out []float64
	for _, run := range runs {
		out = appendPositive(out, rate(run, basis))
	}
	return out
}
