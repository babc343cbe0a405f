package gguf

import "math"

// float16Bits converts f to IEEE 754 half precision, rounding to nearest even.
func float16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	biased := int(b >> 23 & 0xff)
	mant := b & 0x7fffff
	switch {
	case biased == 0xff && mant != 0:
		return sign | 0x7e00 // NaN
	case biased == 0xff:
		return sign | 0x7c00 // infinity
	}
	exp := biased - 127 + 15
	if exp >= 0x1f {
		return sign | 0x7c00 // too large: infinity
	}
	if exp <= 0 {
		return sign | subnormal16(mant|0x800000, uint(14-exp))
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
		h++ // a carry into the exponent is still the right answer
	}
	return sign | uint16(h)
}

// subnormal16 returns full>>shift rounded to nearest even, for results below the smallest
// normal half-precision number.
func subnormal16(full uint32, shift uint) uint16 {
	if shift > 24 {
		return 0
	}
	m := full >> shift
	rem := full & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || rem == half && m&1 == 1 {
		m++
	}
	return uint16(m)
}
