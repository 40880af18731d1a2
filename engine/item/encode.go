package item

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// formatVersion is the first byte of every encoded item.
const formatVersion = 1

// maxDecodeDepth bounds list/map nesting in the decoder so corrupt input
// cannot exhaust the stack. It is deliberately looser than MaxNestingDepth:
// the decoder checks structure, Validate checks DynamoDB's rules.
const maxDecodeDepth = 100

// maxPrealloc caps how many elements the decoder reserves up front for a
// list, map or set. A count is only a claim until its elements have been
// read, and nested claims could otherwise multiply into huge allocations.
const maxPrealloc = 1024

// AppendItem appends the binary encoding of it to dst (see the package doc):
// the version byte, the attribute count, then the attributes sorted by name,
// so equal items encode to equal bytes. Set members are written in the order
// given. The item must be valid: AppendItem panics on a nil or foreign Value.
func AppendItem(dst []byte, it Item) []byte {
	dst = append(dst, formatVersion)
	dst = binary.AppendUvarint(dst, uint64(len(it)))
	return appendEntries(dst, it)
}

// AppendValue appends the encoding of one value: its tag byte and payload.
// It panics on a nil or foreign Value.
func AppendValue(dst []byte, v Value) []byte {
	switch v := v.(type) {
	case S:
		return appendString(append(dst, byte(TypeS)), string(v))
	case N:
		return appendNumber(append(dst, byte(TypeN)), v)
	case B:
		return appendString(append(dst, byte(TypeB)), v)
	case BOOL:
		b := byte(0)
		if v {
			b = 1
		}
		return append(dst, byte(TypeBOOL), b)
	case NULL:
		return append(dst, byte(TypeNULL))
	case L:
		dst = binary.AppendUvarint(append(dst, byte(TypeL)), uint64(len(v)))
		for _, e := range v {
			dst = AppendValue(dst, e)
		}
		return dst
	case M:
		dst = binary.AppendUvarint(append(dst, byte(TypeM)), uint64(len(v)))
		return appendEntries(dst, v)
	case SS:
		dst = binary.AppendUvarint(append(dst, byte(TypeSS)), uint64(len(v)))
		for _, s := range v {
			dst = appendString(dst, s)
		}
		return dst
	case NS:
		dst = binary.AppendUvarint(append(dst, byte(TypeNS)), uint64(len(v)))
		for _, n := range v {
			dst = appendNumber(dst, n)
		}
		return dst
	case BS:
		dst = binary.AppendUvarint(append(dst, byte(TypeBS)), uint64(len(v)))
		for _, b := range v {
			dst = appendString(dst, b)
		}
		return dst
	}
	panic(fmt.Sprintf("item: cannot encode a %T value", v))
}

type entry struct {
	name  string
	value Value
}

// appendEntries writes name/value pairs sorted by name. Typical items have a
// handful of attributes, so the pairs are gathered in a stack array rather
// than sorted through a heap-allocated key slice.
func appendEntries[Map ~map[string]Value](dst []byte, m Map) []byte {
	var buf [16]entry
	es := buf[:0]
	for k, v := range m {
		es = append(es, entry{k, v})
	}
	if len(es) <= len(buf) {
		// Insertion sort: for a handful of entries it beats the generic
		// sort, which pays for a comparison closure on every step.
		for i := 1; i < len(es); i++ {
			for j := i; j > 0 && es[j].name < es[j-1].name; j-- {
				es[j], es[j-1] = es[j-1], es[j]
			}
		}
	} else {
		slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	}
	for _, e := range es {
		dst = appendString(dst, e.name)
		dst = AppendValue(dst, e.value)
	}
	return dst
}

func appendString[T ~string | ~[]byte](dst []byte, s T) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// appendNumber writes a head byte (bit 7: negative; bits 0–5: digit count,
// 0 meaning the number 0 and nothing follows), the scientific exponent
// biased by 130 (so -130…125 fits a byte), and the digits packed two per
// byte, high nibble first, with a 0 nibble padding an odd count.
func appendNumber(dst []byte, n N) []byte {
	d := n.digits
	if d == "" {
		return append(dst, 0)
	}
	head := byte(len(d))
	if n.neg {
		head |= 0x80
	}
	dst = append(dst, head, byte(int(n.exp)-minExp))
	i := 0
	for ; i+1 < len(d); i += 2 {
		dst = append(dst, (d[i]-'0')<<4|(d[i+1]-'0'))
	}
	if i < len(d) {
		dst = append(dst, (d[i]-'0')<<4)
	}
	return dst
}

// DecodeItem decodes an item written by AppendItem. b must hold exactly one
// item. Corrupt input yields an error wrapping ErrMalformed, never a panic.
//
// All strings of the result (names and S values) share one copy of b, which
// makes decoding cheap but keeps that copy alive while any of them is; B
// values get their own bytes. Nothing of the result aliases b.
func DecodeItem(b []byte) (Item, error) { return DecodeItemInto(b, nil) }

// DecodeItemInto is DecodeItem filling m, which must be empty, instead of
// a new map (nil m makes one): callers that decode many short-lived items
// reuse one map. On error m may hold some of the attributes.
func DecodeItemInto(b []byte, m Item) (Item, error) {
	if len(b) == 0 {
		return nil, malformed(0, "empty input")
	}
	if b[0] != formatVersion {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrMalformed, b[0])
	}
	d := decoder{b: b, off: 1, arena: string(b), shared: true}
	it, err := decodeEntries(&d, 0, m)
	if err != nil {
		return nil, err
	}
	if d.off != len(b) {
		return nil, malformed(d.off, "trailing bytes after item")
	}
	return it, nil
}

// DecodeValue decodes one value written by AppendValue from the start of b
// and reports how many bytes it used; bytes after it are left alone.
func DecodeValue(b []byte) (Value, int, error) {
	d := decoder{b: b}
	v, err := d.value(0)
	if err != nil {
		return nil, 0, err
	}
	return v, d.off, nil
}

func malformed(off int, what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrMalformed, what, off)
}

// decoder reads the binary format. Every length and count is checked against
// the bytes that remain before anything is allocated for it.
type decoder struct {
	b   []byte
	off int
	// arena is string(b) when shared is set: strings are then sliced from it
	// instead of being allocated one by one.
	arena  string
	shared bool
}

func (d *decoder) remaining() int { return len(d.b) - d.off }

func (d *decoder) uvarint() (uint64, error) {
	if d.off < len(d.b) && d.b[d.off] < 0x80 { // one-byte fast path
		v := uint64(d.b[d.off])
		d.off++
		return v, nil
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		return 0, malformed(d.off, "bad varint")
	}
	d.off += n
	return v, nil
}

// count reads an element count; each element takes at least minSize bytes,
// so a count the remaining input cannot hold is rejected.
func (d *decoder) count(minSize int) (int, error) {
	start := d.off
	v, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if v > uint64(d.remaining()/minSize) {
		return 0, malformed(start, "count exceeds input")
	}
	return int(v), nil
}

// span reads a length-prefixed byte string and returns its bounds in b.
func (d *decoder) span() (int, int, error) {
	start := d.off
	v, err := d.uvarint()
	if err != nil {
		return 0, 0, err
	}
	if v > uint64(d.remaining()) {
		return 0, 0, malformed(start, "length exceeds input")
	}
	lo := d.off
	d.off += int(v)
	return lo, d.off, nil
}

func (d *decoder) str() (string, error) {
	lo, hi, err := d.span()
	if err != nil {
		return "", err
	}
	if d.shared {
		return d.arena[lo:hi], nil
	}
	return string(d.b[lo:hi]), nil
}

func (d *decoder) bytes() ([]byte, error) {
	lo, hi, err := d.span()
	if err != nil {
		return nil, err
	}
	return append(make([]byte, 0, hi-lo), d.b[lo:hi]...), nil
}

func (d *decoder) value(depth int) (Value, error) {
	if d.off >= len(d.b) {
		return nil, malformed(d.off, "truncated value")
	}
	tagOff := d.off
	tag := Type(d.b[d.off])
	d.off++
	switch tag {
	case TypeS:
		s, err := d.str()
		return S(s), err
	case TypeN:
		return d.number()
	case TypeB:
		b, err := d.bytes()
		return B(b), err
	case TypeBOOL:
		if d.off >= len(d.b) || d.b[d.off] > 1 {
			return nil, malformed(d.off, "bad BOOL")
		}
		d.off++
		return BOOL(d.b[d.off-1] == 1), nil
	case TypeNULL:
		return NULL{}, nil
	case TypeL:
		if depth >= maxDecodeDepth {
			return nil, malformed(tagOff, "nesting too deep")
		}
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		l := make(L, 0, min(n, maxPrealloc))
		for range n {
			e, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			l = append(l, e)
		}
		return l, nil
	case TypeM:
		if depth >= maxDecodeDepth {
			return nil, malformed(tagOff, "nesting too deep")
		}
		return decodeEntries[M](d, depth+1, nil)
	case TypeSS:
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		ss := make(SS, 0, min(n, maxPrealloc))
		for range n {
			s, err := d.str()
			if err != nil {
				return nil, err
			}
			ss = append(ss, s)
		}
		return ss, nil
	case TypeNS:
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		ns := make(NS, 0, min(n, maxPrealloc))
		for range n {
			x, err := d.number()
			if err != nil {
				return nil, err
			}
			ns = append(ns, x)
		}
		return ns, nil
	case TypeBS:
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		bs := make(BS, 0, min(n, maxPrealloc))
		for range n {
			b, err := d.bytes()
			if err != nil {
				return nil, err
			}
			bs = append(bs, b)
		}
		return bs, nil
	}
	return nil, malformed(tagOff, fmt.Sprintf("unknown tag %d", tag))
}

// decodeEntries reads a count and that many name/value pairs, whose names
// must be strictly increasing: that is how they were written, and it rules
// out duplicate names.
func decodeEntries[Map ~map[string]Value](d *decoder, depth int, m Map) (Map, error) {
	n, err := d.count(2)
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = make(Map, min(n, maxPrealloc))
	}
	prev := ""
	for i := range n {
		nameOff := d.off
		name, err := d.str()
		if err != nil {
			return nil, err
		}
		if i > 0 && name <= prev {
			return nil, malformed(nameOff, "names out of order")
		}
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		m[name] = v
		prev = name
	}
	return m, nil
}

func (d *decoder) number() (N, error) {
	start := d.off
	if d.off >= len(d.b) {
		return N{}, malformed(start, "truncated number")
	}
	head := d.b[d.off]
	d.off++
	if head == 0 {
		return N{}, nil
	}
	nd := int(head & 0x7f)
	if nd == 0 || nd > maxDigits {
		return N{}, malformed(start, "bad number header")
	}
	packed := (nd + 1) / 2
	if d.remaining() < 1+packed {
		return N{}, malformed(start, "truncated number")
	}
	exp := int(d.b[d.off]) + minExp
	p := d.b[d.off+1 : d.off+1+packed]
	d.off += 1 + packed
	var buf [maxDigits + 1]byte
	for i, x := range p {
		hi, lo := x>>4, x&0x0f
		if hi > 9 || lo > 9 {
			return N{}, malformed(start, "bad number digit")
		}
		buf[2*i], buf[2*i+1] = '0'+hi, '0'+lo
	}
	// Canonical form only: no leading zero, no trailing zero, zero padding.
	if buf[0] == '0' || buf[nd-1] == '0' || (nd%2 == 1 && buf[nd] != '0') {
		return N{}, malformed(start, "number not canonical")
	}
	return N{digits: digitString(buf[:nd]), exp: int16(exp), neg: head&0x80 != 0}, nil
}
