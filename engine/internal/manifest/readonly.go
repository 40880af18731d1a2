package manifest

import (
	"errors"
	"fmt"
	"os"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
)

// ReadState reads the live manifest of the database in dir exactly like
// Open does (CURRENT, the snapshot, the edits, a torn tail ignored), but
// read-only: it opens files only for reading, never rolls over to a new
// manifest file and never deletes anything. Operators' tools (verify) use
// it on a database that may be open in another process.
//
// The returned State's NextFileNum is raised, like Open's, above the live
// manifest's number and the number of every file in dir whose name
// base.ParseFilename understands (Open's own new manifest aside, which
// ReadState does not create). OpenInfo.ObsoleteManifests lists the
// MANIFEST files other than the live one.
//
// Errors are Open's: a missing CURRENT wraps os.ErrNotExist; a damaged
// CURRENT, a missing manifest file, a bad snapshot, damage before the tail
// or an edit that does not apply is a *base.CorruptionError.
func ReadState(fs vfs.FS, dir string) (*State, OpenInfo, error) {
	var info OpenInfo
	num, err := readCurrent(fs, dir)
	if err != nil {
		return nil, info, err
	}
	name := base.MakeFilename(base.FileKindManifest, 0, num)
	data, err := readFile(fs, fs.PathJoin(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, info, base.CorruptionErrorf(name, -1, "manifest file named by CURRENT is missing: %v", err)
	}
	if err != nil {
		return nil, info, fmt.Errorf("manifest: read %s: %w", name, err)
	}
	r, err := replay(name, data)
	if err != nil {
		return nil, info, err
	}
	info.Edits = r.edits
	if r.tornOffset >= 0 {
		info.TornTail = true
		info.TornFile = name
		info.TornOffset = r.tornOffset
		info.TornBytes = int64(len(data)) - r.tornOffset
	}
	st := r.state
	st.NextFileNum = max(st.NextFileNum, num+1)
	names, err := fs.List(dir)
	if err != nil {
		return nil, info, fmt.Errorf("manifest: list %s: %w", dir, err)
	}
	for _, n := range names {
		kind, _, fn, ok := base.ParseFilename(n)
		if !ok {
			continue
		}
		st.NextFileNum = max(st.NextFileNum, fn+1)
		if kind == base.FileKindManifest && fn != num {
			info.ObsoleteManifests = append(info.ObsoleteManifests, fn)
		}
	}
	return st, info, nil
}

// ReadCurrent returns the number of the manifest file CURRENT names, read
// only. A missing CURRENT wraps os.ErrNotExist; a damaged one is a
// *base.CorruptionError.
func ReadCurrent(fs vfs.FS, dir string) (base.FileNum, error) {
	return readCurrent(fs, dir)
}
