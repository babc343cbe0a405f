// Package gguf writes llama-architecture models with random weights as GGUF files and
// creates them as models on an Ollama server, without downloading anything.
//
// [Spec] describes such a model: its width, layers, heads, feed-forward width and a
// 448-token byte-fallback vocabulary in which any text tokenizes. [DefaultSpec] is 256 wide
// with 4 layers, 3.4 million parameters, 6.8 MB as F16. The output layer keeps the control
// and byte tokens, </s> included, far below the printable characters, so the models write
// printable ASCII and do not stop before num_predict: a generation is as long as asked, which
// is what a speed measurement needs.
//
// [Create] uploads the file of a spec to an Ollama server as a blob and creates a model from
// it, optionally quantized by the server (q8_0, q4_K_M, ...); [Delete] removes it again.
package gguf
