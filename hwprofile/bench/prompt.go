package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// words is the vocabulary prompts are drawn from: common five-letter English
// words, which most tokenizers encode as one token each and character-level
// tokenizers as six (with the space), so a prompt's token count follows its
// word count closely whichever words are drawn.
var words = strings.Fields(`house water river night point world money music table paper voice field order
power light story still great never after state every under might while place where years thing right first
small large often early young woman child heart sound green north south plant earth horse train plane stone
bread fruit glass chair clock floor grass dream smile laugh dance learn teach write speak think watch build
carry drive sleep start begin close cover reach stand study happy quiet clean quick sweet fresh clear heavy
short sharp proud brave round white black brown month level value model image party group leave judge offer`)

// promptMaker builds prompts of a given length in words. Each (run, request)
// pair gets its own text, starting with its own identifier, so a prompt cache
// cannot reuse an earlier prompt's prefix; the same pair always gets the same
// text, so outputs can be compared across runs and invocations.
type promptMaker struct {
	seed int
	key  uint64 // distinguishes sweep points and concurrency levels
}

const promptInstruction = "Continue this text as a long story:\n\n"

// make returns the prompt for a run and request index with n words.
func (p promptMaker) make(run, request, n int) string {
	rng := rand.New(rand.NewPCG(uint64(p.seed)^p.key, uint64(run)<<20^uint64(request)))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d-%d. %s", words[rng.IntN(len(words))], run, request, promptInstruction)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	b.WriteByte('.')
	return b.String()
}

// promptScale maps a word count to the prompt tokens the server counts:
// tokens = fixed + perWord × words, fitted from two probes.
type promptScale struct {
	fixed, perWord float64
}

// defaultScale is used when the server does not report prompt tokens.
var defaultScale = promptScale{fixed: 24, perWord: 1.3}

// fitScale fits the scale from two (words, tokens) observations.
func fitScale(w1, t1, w2, t2 int) (promptScale, bool) {
	if w2 == w1 || t1 <= 0 || t2 <= t1 {
		return defaultScale, false
	}
	per := float64(t2-t1) / float64(w2-w1)
	return promptScale{fixed: float64(t1) - per*float64(w1), perWord: per}, true
}

// words returns the word count whose prompt has about target tokens (at least 1).
func (s promptScale) words(target int) int {
	n := int((float64(target)-s.fixed)/s.perWord + 0.5)
	return max(n, 1)
}
