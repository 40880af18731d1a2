package item

// MaxItemSize is DynamoDB's limit on Item.Size: 400 KB.
const MaxItemSize = 400 * 1024

// ValueSize returns the size DynamoDB bills and limits for v (without an
// attribute name):
//
//   - S: UTF-8 bytes; B: bytes; BOOL, NULL: 1.
//   - N: (d+1)/2 + 1 bytes, d being the significant digits (0 for zero), i.e.
//     DynamoDB's "1 byte per two significant digits, plus 1 byte" rounded up;
//     so 12345 is 4 bytes and 0 is 1.
//   - L: 3 + Σ (element size + 1).
//   - M: 3 + Σ (key bytes + element size + 1).
//   - SS, NS, BS: the sum of the member sizes, each member sized as above.
//
// A nil or foreign Value has size 0.
func ValueSize(v Value) int {
	switch v := v.(type) {
	case S:
		return len(v)
	case N:
		return numberSize(v)
	case B:
		return len(v)
	case BOOL, NULL:
		return 1
	case L:
		size := 3
		for _, e := range v {
			size += ValueSize(e) + 1
		}
		return size
	case M:
		size := 3
		for k, e := range v {
			size += len(k) + ValueSize(e) + 1
		}
		return size
	case SS:
		size := 0
		for _, s := range v {
			size += len(s)
		}
		return size
	case NS:
		size := 0
		for _, n := range v {
			size += numberSize(n)
		}
		return size
	case BS:
		size := 0
		for _, b := range v {
			size += len(b)
		}
		return size
	}
	return 0
}

func numberSize(n N) int { return (len(n.digits)+1)/2 + 1 }

// Size returns the item's DynamoDB size: for every attribute, the UTF-8
// length of its name plus ValueSize of its value.
func (it Item) Size() int {
	size := 0
	for k, v := range it {
		size += len(k) + ValueSize(v)
	}
	return size
}
