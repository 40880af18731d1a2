package base

import "testing"

func TestFilenameRoundTrip(t *testing.T) {
	cases := []struct {
		kind   FileKind
		stripe StripeID
		num    FileNum
		want   string
	}{
		{FileKindSST, 0, 1234567890, "000_1234567890.sst"},
		{FileKindSST, 255, 7, "255_0000000007.sst"},
		{FileKindWAL, 5, 0, "wal_005.log"},
		{FileKindSealedWAL, 42, 9, "wal_042-0000000009.log"},
		{FileKindRecycle, 0, 12, "recycle-0000000012.log"},
		{FileKindSpare, 0, 13, "spare-0000000013.log"},
		{FileKindManifest, 0, 3, "MANIFEST-0000000003"},
		{FileKindCurrent, 0, 0, "CURRENT"},
		{FileKindLock, 0, 0, "LOCK"},
	}
	for _, c := range cases {
		got := MakeFilename(c.kind, c.stripe, c.num)
		if got != c.want {
			t.Errorf("MakeFilename(%v, %d, %d) = %q, want %q", c.kind, c.stripe, c.num, got, c.want)
		}
		k, s, n, ok := ParseFilename(got)
		if !ok || k != c.kind || s != c.stripe || n != c.num {
			t.Errorf("ParseFilename(%q) = %v %d %d %v", got, k, s, n, ok)
		}
	}
}

func TestParseFilenameRejectsForeignNames(t *testing.T) {
	for _, name := range []string{"", "notes.txt", "wal_5.log", "wal_0005.log", "1_2.sst", "abc_0000000001.sst",
		"000_12x.sst", "MANIFEST-", "MANIFEST-x", "wal_005-.log", "recycle-.log", "256_0000000001.sst"} {
		if k, _, _, ok := ParseFilename(name); ok {
			t.Errorf("ParseFilename(%q) accepted as %v", name, k)
		}
	}
}
