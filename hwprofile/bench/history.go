package bench

import (
	"fmt"
	"time"
)

// historyKey identifies a request whose output can be compared across
// invocations: same server, model name, prompt and sampling settings.
type historyKey struct {
	host, model, prompt string
	maxTokens, ctx      int
	temperature         float64
	seed                int
}

func keyOf(run Run) historyKey {
	return historyKey{run.Environment.Host, run.Model, run.PromptSHA256, run.MaxTokens, run.ContextTokens, run.Temperature, run.Seed}
}

// compareHistory compares this level's single-stream outputs with the latest
// earlier runs of the same prompts, and says whether the model's output (or its
// digest) changed since.
func compareHistory(history, runs []Run, env Environment) string {
	latest := latestRuns(history)
	same, changed := 0, 0
	var prev Run
	for _, run := range runs {
		if run.Concurrency != 1 || !run.Complete || run.Error != "" {
			continue
		}
		p, ok := latest[keyOf(run)]
		if !ok {
			continue
		}
		prev = p
		if p.OutputSHA256 == run.OutputSHA256 {
			same++
		} else {
			changed++
		}
	}
	return describeHistory(same, changed, prev, env)
}

func latestRuns(history []Run) map[historyKey]Run {
	latest := map[historyKey]Run{}
	for _, h := range history {
		if h.Kind != "run" || h.Phase != "measure" || h.Concurrency != 1 || !h.Complete || h.Error != "" {
			continue
		}
		k := keyOf(h)
		if old, ok := latest[k]; !ok || h.Environment.Time.After(old.Environment.Time) {
			latest[k] = h
		}
	}
	return latest
}

func describeHistory(same, changed int, prev Run, env Environment) string {
	if same+changed == 0 {
		return ""
	}
	when := prev.Environment.Time.Format(time.RFC3339)
	if changed == 0 {
		return fmt.Sprintf("outputs identical to the run of %s (%d prompts compared)", when, same)
	}
	msg := fmt.Sprintf("outputs differ from the run of %s for %d of %d prompts", when, changed, same+changed)
	switch {
	case prev.Environment.Digest != env.Digest:
		return fmt.Sprintf("%s: the model changed (digest %s → %s)", msg, short(prev.Environment.Digest), short(env.Digest))
	case prev.Environment.BackendVersion != env.BackendVersion:
		return fmt.Sprintf("%s: same digest, server version changed (%s → %s)", msg, prev.Environment.BackendVersion, env.BackendVersion)
	default:
		return msg + " with the same digest and server version"
	}
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	if digest == "" {
		return "unknown"
	}
	return digest
}
