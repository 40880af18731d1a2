package bloom

import "testing"

// Reference XXH64 (seed 0) vectors; Hash is persisted, so any change that
// breaks these breaks every existing filter.
func TestHashVectors(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
	}{
		{"", 0xef46db3751d8e999},
		{"a", 0xd24ec4f1a98c6e5b},
		{"abc", 0x44bc2cf5ad770999},
		{"123", 0x3c697d223fa7e885},
		{"1234", 0xd8316e61d84f6ba4},
		{"123456789012345", 0xc377d78ade001a3c},
		{"1234567890123456123456789012345", 0x8947ecb58263b70f},
		{"0123456789abcdef0123456789abcdef", 0x642a94958e71e6c5},
		{"Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1},
		{"The quick brown fox jumps over the lazy dog", 0x0b242d361fda71bc},
	}
	for _, c := range cases {
		if got := Hash([]byte(c.in)); got != c.want {
			t.Errorf("Hash(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

func BenchmarkHash16(b *testing.B) {
	key := []byte("0123456789abcdef")
	var sink uint64
	for b.Loop() {
		sink += Hash(key)
	}
	_ = sink
}
