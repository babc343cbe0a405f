package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// words is the vocabulary prompts are drawn from: common English words, which
// most tokenizers encode as about one token each.
var words = strings.Fields(`the of and to in is was for on that with as by at from his her they their this which
have had were are been one all would there when who will more no if out so said what up its about into than them
can only other new some could time these two may then do first any my now such like our over man me even most made
after also did many before must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get here between both life being under
never day same another know while last might us great old year off come since against go came right used take three
house city river garden letter window market station bridge morning evening winter summer music history story
water mountain forest village doctor teacher engine question answer reason number system program company problem
service family school paper table light voice field order power money road side child night point`)

// promptMaker builds prompts of a given length in words. Each (run, request)
// pair gets its own text, starting with its own identifier, so a prompt cache
// cannot reuse an earlier prompt's prefix; the same pair always gets the same
// text, so outputs can be compared across runs and invocations.
type promptMaker struct {
	seed int
}

const promptInstruction = "Continue the following text with a long, detailed story. Do not stop early.\n\n"

// make returns the prompt for a run and request index with n words.
func (p promptMaker) make(run, request, n int) string {
	rng := rand.New(rand.NewPCG(uint64(p.seed), uint64(run)<<20|uint64(request)))
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
