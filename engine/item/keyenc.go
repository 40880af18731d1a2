package item

import (
	"bytes"
	"fmt"
)

// Key encoding bytes. See the package doc for the layout.
const (
	keyEscape     = 0x00 // in S/B keys: starts an escape or the terminator
	keyEscapedNul = 0xFF // 0x00 0xFF: a literal 0x00 byte
	keyTerminator = 0x01 // 0x00 0x01: end of the string

	keyNeg  = 0x01 // N sign bytes, in numeric order
	keyZero = 0x02
	keyPos  = 0x03
)

// AppendKey appends an order-preserving, self-delimiting encoding of a key
// value (S, N or B) to dst. For two values of the same type,
// bytes.Compare of their encodings has the sign of Compare, and that still
// holds with arbitrary bytes appended to either encoding when the values
// differ, so a partition key followed by a sort key sorts as the pair.
// Other types give an error wrapping ErrNotKeyType.
func AppendKey(dst []byte, v Value) ([]byte, error) {
	switch v := v.(type) {
	case S:
		return appendKeyBytes(dst, v), nil
	case B:
		return appendKeyBytes(dst, v), nil
	case N:
		return appendKeyNumber(dst, v), nil
	}
	return dst, fmt.Errorf("%w, got %s", ErrNotKeyType, typeName(v))
}

func typeName(v Value) string {
	if v == nil {
		return "nil"
	}
	return v.Type().String()
}

// appendKeyBytes copies s, escaping each 0x00 as 0x00 0xFF, and ends it with
// 0x00 0x01. The terminator sorts below every escaped or plain continuation,
// so a string sorts before its extensions; runs without 0x00 are copied
// whole.
func appendKeyBytes[T ~string | ~[]byte](dst []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == keyEscape {
			dst = append(dst, s[start:i]...)
			dst = append(dst, keyEscape, keyEscapedNul)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, keyEscape, keyTerminator)
}

// appendKeyNumber writes a sign byte (negative < zero < positive); for
// non-zero numbers then the exponent biased by 130, the digits two per byte
// as value+1 (1…100), and a 0x00 terminator, which sorts below any further
// digits because digits have no trailing zeros. For negatives every byte
// after the sign is complemented, reversing the order of magnitudes.
func appendKeyNumber(dst []byte, n N) []byte {
	if n.digits == "" {
		return append(dst, keyZero)
	}
	var flip byte
	if n.neg {
		flip = 0xFF
		dst = append(dst, keyNeg)
	} else {
		dst = append(dst, keyPos)
	}
	dst = append(dst, byte(int(n.exp)-minExp)^flip)
	d := n.digits
	for i := 0; i < len(d); i += 2 {
		pair := (d[i] - '0') * 10
		if i+1 < len(d) {
			pair += d[i+1] - '0'
		}
		dst = append(dst, (pair+1)^flip)
	}
	return append(dst, flip)
}

// DecodeKey decodes a key of type t (S, N or B) from the front of b and
// returns the bytes after it. Corrupt input yields an error wrapping
// ErrMalformed.
func DecodeKey(b []byte, t Type) (v Value, rest []byte, err error) {
	switch t {
	case TypeS:
		raw, rest, err := decodeKeyBytes(b)
		if err != nil {
			return nil, nil, err
		}
		return S(raw), rest, nil
	case TypeB:
		raw, rest, err := decodeKeyBytes(b)
		if err != nil {
			return nil, nil, err
		}
		return B(raw), rest, nil
	case TypeN:
		return decodeKeyNumber(b)
	}
	return nil, nil, fmt.Errorf("%w, got %s", ErrNotKeyType, t)
}

// decodeKeyBytes returns a fresh copy of the unescaped bytes.
func decodeKeyBytes(b []byte) ([]byte, []byte, error) {
	var out []byte
	rest := b
	for {
		i := bytes.IndexByte(rest, keyEscape)
		if i < 0 || i+1 >= len(rest) {
			return nil, nil, malformed(len(b)-len(rest), "unterminated key")
		}
		out = append(out, rest[:i]...)
		switch rest[i+1] {
		case keyTerminator:
			if out == nil {
				out = []byte{}
			}
			return out, rest[i+2:], nil
		case keyEscapedNul:
			out = append(out, 0)
			rest = rest[i+2:]
		default:
			return nil, nil, malformed(len(b)-len(rest)+i, "bad key escape")
		}
	}
}

func decodeKeyNumber(b []byte) (Value, []byte, error) {
	if len(b) == 0 {
		return nil, nil, malformed(0, "empty number key")
	}
	var flip byte
	switch b[0] {
	case keyZero:
		return N{}, b[1:], nil
	case keyNeg:
		flip = 0xFF
	case keyPos:
	default:
		return nil, nil, malformed(0, "bad number key sign")
	}
	if len(b) < 2 {
		return nil, nil, malformed(1, "truncated number key")
	}
	exp := int(b[1]^flip) + minExp
	var buf [maxDigits + 1]byte
	nd := 0
	for i := 2; ; i++ {
		if i >= len(b) {
			return nil, nil, malformed(i, "unterminated number key")
		}
		x := b[i] ^ flip
		if x == 0 {
			// Canonical digits: at least one, no leading zero, and the
			// last pair holds no trailing zero beyond the padding.
			if nd == 0 || buf[0] == '0' || buf[nd-1] == '0' {
				return nil, nil, malformed(i, "number key not canonical")
			}
			return N{digits: digitString(buf[:nd]), exp: int16(exp), neg: flip != 0}, b[i+1:], nil
		}
		if x > 100 || nd == maxDigits {
			return nil, nil, malformed(i, "bad number key digits")
		}
		// A low digit 0 just before the terminator pads an odd digit count;
		// anywhere else it is a real digit.
		pair := x - 1
		buf[nd] = '0' + pair/10
		nd++
		if lo := pair % 10; lo != 0 || (i+1 < len(b) && b[i+1]^flip != 0) {
			buf[nd] = '0' + lo
			nd++
		}
	}
}
