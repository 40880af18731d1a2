// Package bloom implements the bloom filters stored in SST files: a
// probabilistic set of user keys that answers "definitely absent" for most
// keys a table does not hold, so a point read can skip the table without
// reading a data block.
//
// Encoded filter (the bytes Build returns and Filter wraps):
//
//	+--------------------------+-------------+-------------+
//	| bit array (n bytes, n≥8) | probes (u8) | version (u8)|
//	+--------------------------+-------------+-------------+
//
// Invariants:
//   - the bit array holds 8*n bits; bit i is byte i/8, bit i%8 (LSB first);
//   - probes is in [1, MaxProbes]; version is FormatVersion;
//   - key k sets the bits g_j mod-range 8*n for j in [0, probes), where
//     g_0 = Hash(k) and g_{j+1} = g_j + delta with delta = Hash(k) rotated
//     by 32 bits (Kirsch–Mitzenmacher double hashing), and "mod-range" is
//     the multiply-shift reduction hi64(g_j * 8n), which avoids a division
//     and works for any n.
//
// Hash (XXH64, seed 0) and this layout are persisted: changing either
// requires a new FormatVersion.
package bloom

import (
	"math"
	"math/bits"
)

const (
	// DefaultFPR is the false-positive rate used when NewBuilder is given a
	// value outside (0, 1).
	DefaultFPR = 0.01
	// MaxProbes bounds the probe count, both when building (very small
	// rates) and when validating a filter read from disk.
	MaxProbes = 30
	// FormatVersion is the last byte of every encoded filter.
	FormatVersion = 1

	trailerLen = 2
	// minBytes keeps tiny filters (one or two keys) from degenerating into
	// a handful of bits with a terrible false-positive rate.
	minBytes = 8
)

// Builder collects keys and encodes a filter sized for them.
//
// It keeps one 64-bit hash per distinct consecutive key rather than the keys
// themselves, so its memory is 8 bytes/key whatever the key size; the bit
// array can only be sized once the key count is known, in Build.
type Builder struct {
	bitsPerKey float64
	probes     int
	hashes     []uint64
}

// NewBuilder returns a builder for a filter with false-positive rate fpr.
// Bits per key are -ln(fpr)/ln(2)² and the probe count is bitsPerKey·ln 2,
// the optimum for a classic bloom filter. fpr outside (0, 1) (or NaN) means
// DefaultFPR.
func NewBuilder(fpr float64) *Builder {
	if !(fpr > 0 && fpr < 1) {
		fpr = DefaultFPR
	}
	bpk := -math.Log(fpr) / (math.Ln2 * math.Ln2)
	k := int(math.Round(bpk * math.Ln2))
	k = max(1, min(k, MaxProbes))
	return &Builder{bitsPerKey: bpk, probes: k}
}

// Add adds key to the set. Adding the same key twice in a row is free (the
// SST writer adds every version of a user key consecutively); other
// duplicates only cost a little extra space.
func (b *Builder) Add(key []byte) {
	h := Hash(key)
	if n := len(b.hashes); n > 0 && b.hashes[n-1] == h {
		return
	}
	b.hashes = append(b.hashes, h)
}

// Len returns the number of hashes collected so far.
func (b *Builder) Len() int { return len(b.hashes) }

// EstimatedSize returns the size Build would return now.
func (b *Builder) EstimatedSize() int {
	return numBytes(len(b.hashes), b.bitsPerKey) + trailerLen
}

// Build encodes the filter. A builder with no keys yields a valid filter
// that contains nothing. The builder may keep being used afterwards.
func (b *Builder) Build() []byte {
	n := numBytes(len(b.hashes), b.bitsPerKey)
	out := make([]byte, n+trailerLen)
	bitArr := out[:n]
	nbits := uint64(n) * 8
	for _, h := range b.hashes {
		delta := bits.RotateLeft64(h, 32)
		for range b.probes {
			hi, _ := bits.Mul64(h, nbits)
			bitArr[hi>>3] |= 1 << (hi & 7)
			h += delta
		}
	}
	out[n] = byte(b.probes)
	out[n+1] = FormatVersion
	return out
}

func numBytes(keys int, bitsPerKey float64) int {
	nbits := math.Ceil(float64(keys) * bitsPerKey)
	return max(minBytes, int((nbits+7)/8))
}

// Filter is an encoded filter as returned by Builder.Build.
type Filter []byte

// Valid reports whether f is structurally a filter this package can probe.
// Readers validate once at load so that corruption is reported rather than
// silently turning the filter into "may contain everything".
func (f Filter) Valid() bool {
	if len(f) < minBytes+trailerLen {
		return false
	}
	k := f[len(f)-2]
	return k >= 1 && k <= MaxProbes && f[len(f)-1] == FormatVersion
}

// MayContain reports whether key may be in the set. false means the key was
// definitely not added. Any byte string is accepted: an invalid filter
// answers true (no information) rather than a false negative or a panic.
func (f Filter) MayContain(key []byte) bool {
	return f.MayContainHash(Hash(key))
}

// MayContainHash is MayContain for a key whose Hash is already known.
func (f Filter) MayContainHash(h uint64) bool {
	if !f.Valid() {
		return true
	}
	n := len(f) - trailerLen
	probes := int(f[n])
	bitArr := f[:n]
	nbits := uint64(n) * 8
	delta := bits.RotateLeft64(h, 32)
	for range probes {
		hi, _ := bits.Mul64(h, nbits)
		// hi < nbits, so hi>>3 < n: the index check below never fails but
		// lets the compiler drop its own bounds check.
		idx := hi >> 3
		if idx >= uint64(len(bitArr)) || bitArr[idx]&(1<<(hi&7)) == 0 {
			return false
		}
		h += delta
	}
	return true
}
