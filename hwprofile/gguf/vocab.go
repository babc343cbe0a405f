package gguf

import "fmt"

// The vocabulary is SentencePiece style: <unk>, <s>, </s>, the 256 byte tokens <0x00>…<0xFF>,
// then every printable ASCII character except the space, without and with the "▁" (U+2581)
// word-start prefix, and "▁" alone for a space. Any text can be tokenized.
const (
	unknownToken   = 0
	bosToken       = 1
	eosToken       = 2
	firstCharToken = 3 + 256
	printable      = '~' - '!' + 1
	vocabSize      = firstCharToken + 2*printable + 1
)

// GGUF token types.
const (
	tokenNormal  int32 = 1
	tokenUnknown int32 = 2
	tokenControl int32 = 3
	tokenByte    int32 = 6
)

// vocabulary returns the tokens, their scores and their types.
func vocabulary() (tokens []string, scores []float32, types []int32) {
	add := func(token string, typ int32) {
		tokens = append(tokens, token)
		scores = append(scores, 0)
		types = append(types, typ)
	}
	add("<unk>", tokenUnknown)
	add("<s>", tokenControl)
	add("</s>", tokenControl)
	for b := range 256 {
		add(fmt.Sprintf("<0x%02X>", b), tokenByte)
	}
	for c := '!'; c <= '~'; c++ {
		add(string(c), tokenNormal)
	}
	for c := '!'; c <= '~'; c++ {
		add("▁"+string(c), tokenNormal)
	}
	add("▁", tokenNormal)
	return tokens, scores, types
}
