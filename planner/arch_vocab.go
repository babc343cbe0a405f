package planner

import "strings"

// vocabSizes are the vocabulary sizes of the model families in the open-model
// catalog, by tag prefix (the longest matching prefix wins), from the models'
// published configurations (vocab_size in config.json on Hugging Face). The
// catalog has no vocabulary column; the size matters for the output matrix
// and the logits buffer.
var vocabSizes = map[string]int{
	"llama3":          128256,
	"qwen2.5":         151936,
	"qwen3":           151936,
	"deepseek-r1":     151936, // the Qwen distillations (Qwen2.5 and Qwen3)
	"deepseek-r1:70b": 128256, // the Llama distillation
	"gemma2":          256000,
	"gemma3":          262144,
	"phi3":            32064,
	"phi4":            100352,
	"phi4-mini":       200064,
	"mistral:":        32768,
	"mistral-nemo":    131072,
	"mistral-small":   131072,
	"mixtral":         32000,
	"gpt-oss":         201088,
}

// defaultVocab is the vocabulary size assumed for a tag not in vocabSizes.
const defaultVocab = 128000

// vocabGuess returns the vocabulary size of a catalog tag.
func vocabGuess(tag string) int {
	t := strings.ToLower(tag)
	best, size := 0, defaultVocab
	for prefix, v := range vocabSizes {
		if strings.HasPrefix(t, prefix) && len(prefix) > best {
			best, size = len(prefix), v
		}
	}
	return size
}
