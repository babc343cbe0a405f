package planner

// graphSize returns the compute buffers (the intermediate tensors of one
// forward pass of a batch) with every layer on one device (full) and with
// the layers split (partial), after the per-architecture estimates Ollama
// v0.6.5 makes (fs/ggml GraphSize), in float32 (4 bytes) elements:
//
//	b batch tokens, C cache tokens, E embedding, H heads, Hkv KV heads,
//	d = E / H head length, dk key length, V vocabulary
//
//	llama and others  full    = max(4b(1 + 4E + C(1+H)), 4b(E + V))
//	                  partial = 4bE + max(4b(1 + E + max(C, E)) + 9E²/16 + 4C(bH + d·Hkv),
//	                                      4b(E + V) + 105EV/128)
//	qwen2             full    = max(4b(E + V), 4b(1 + 2E + C + CH))
//	                  partial = max(4b(E + V) + 105EV/128, 4(b(1 + 2E + C(1+H)) + E(1 + C)))
//	gemma, gemma2/3   full    = max(4b(E + V), 4b(2 + C + CH + 2E + 2·dk·H))
//	                  partial = max(4bE + 105EV/128 + 4bV,
//	                                4b(1 + 2E + 2·dk·H + C + CH) + 32·dk·C + 9E·dk·H/16)
//
// The b x C x H term is the attention scores of the batch, which is why the
// graph outgrows the weights of a small model at a long context. The
// 105EV/128 and 9E²/16 terms are a copy of the output matrix and of a
// projection in the quantized layout, which a partial offload keeps on the
// GPU for the CPU's layers. Ollama v0.6.5 reserves this much with flash
// attention on too (only llama.cpp's later allocation shrinks), so the
// estimate keeps it. Ollama has no formula for some families (phi3, and
// qwen3 and others newer than v0.6.5) and falls back to heads / KV heads x
// KV cache / 6; the llama formula is used for them instead, as their
// attention has the same shape.
func graphSize(a Arch, tokens, batch int) (full, partial int64) {
	b, c := int64(batch), int64(tokens)
	e, h, v := int64(a.EmbeddingLength), int64(a.Heads), int64(a.VocabSize)
	hkv, dk := int64(a.KVHeads), int64(a.KeyLength)
	logits := 4 * b * (e + v)
	outputCopy := e * v * 105 / 128
	switch a.Family {
	case "qwen2":
		full = max(logits, 4*b*(1+2*e+c+c*h))
		partial = max(logits+outputCopy, 4*(b*(1+2*e+c*(1+h))+e*(1+c)))
	case "gemma", "gemma2", "gemma3":
		full = max(logits, 4*b*(2+c+c*h+2*e+2*dk*h))
		partial = max(4*b*e+outputCopy+4*b*v, 4*b*(1+2*e+2*dk*h+c+c*h)+32*dk*c+e*dk*h*9/16)
	default:
		d := e / h
		full = max(4*b*(1+4*e+c*(1+h)), logits)
		partial = 4*b*e + max(4*b*(1+e+max(c, e))+e*e*9/16+4*c*(b*h+d*hkv), logits+outputCopy)
	}
	return full, partial
}
