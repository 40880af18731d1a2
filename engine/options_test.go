package engine

import (
	"runtime"
	"testing"
)

// Left unset, background compactions leave half of the cores to writers
// (between 1 and 4 of them); a value set by hand applies to background
// and manual compactions alike, and defaulting twice changes nothing.
func TestBackgroundCompactionsDefault(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	for _, tc := range []struct{ procs, set, wantBG, wantMax int }{
		{1, 0, 1, 4},
		{2, 0, 1, 4},
		{4, 0, 2, 4},
		{16, 0, 4, 4},
		{2, 3, 3, 3},
		{16, 1, 1, 1},
	} {
		runtime.GOMAXPROCS(tc.procs)
		o := (&Options{MaxConcurrentCompactions: tc.set}).EnsureDefaults()
		if o.backgroundCompactions != tc.wantBG || o.MaxConcurrentCompactions != tc.wantMax {
			t.Errorf("GOMAXPROCS %d, MaxConcurrentCompactions %d: background %d, max %d; want %d, %d",
				tc.procs, tc.set, o.backgroundCompactions, o.MaxConcurrentCompactions, tc.wantBG, tc.wantMax)
		}
		if again := o.EnsureDefaults(); again.backgroundCompactions != o.backgroundCompactions {
			t.Errorf("EnsureDefaults twice: background %d, then %d", o.backgroundCompactions, again.backgroundCompactions)
		}
	}
}
