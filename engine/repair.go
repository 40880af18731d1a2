package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/internal/manifest"
	"github.com/keystonedb/kstone-shell/engine/internal/vfs"
	"github.com/keystonedb/kstone-shell/engine/internal/wal"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Directories Repair keeps what it takes out of the database in. Open
// ignores them (their names are not the engine's).
const (
	RepairBackupDir     = "backup"     // copies of files before they are changed
	RepairQuarantineDir = "quarantine" // damaged SSTs taken out of the database
)

// repairStagingDir is where Repair writes a new manifest before moving it
// in; a leftover of an interrupted repair is removed by the next one.
const repairStagingDir = "repair-staging"

// RepairOptions say what Repair may touch.
type RepairOptions struct {
	// Stripe limits the repair to one stripe's WAL segments and SSTs; -1
	// means all. A manifest rebuild is always whole.
	Stripe int
	// Apply carries the plan out; false only plans.
	Apply bool
}

// Kinds of RepairAction.
const (
	// RepairTruncateWAL: the segment is cut after its last good record (a
	// copy of the original goes to backup/ first). The records after the
	// damage are lost.
	RepairTruncateWAL = "truncate-wal"
	// RepairSetAsideWAL: a segment whose header is damaged is moved to
	// backup/; its records are lost.
	RepairSetAsideWAL = "set-aside-wal"
	// RepairQuarantineSST: a damaged SST is moved to quarantine/ and
	// removed from the manifest; its keys are lost (older versions of them,
	// if another SST holds any, become visible again).
	RepairQuarantineSST = "quarantine-sst"
	// RepairDropMissingSST: an SST the manifest lists but the disk lacks is
	// removed from the manifest.
	RepairDropMissingSST = "drop-missing-sst"
	// RepairFixManifestEntry: an intact SST whose manifest entry disagrees
	// with it gets an entry made from its properties.
	RepairFixManifestEntry = "fix-manifest-entry"
	// RepairRenameSST: an SST on disk under another stripe's name is given
	// the name the manifest expects.
	RepairRenameSST = "rename-sst"
	// RepairSetAsideSST: a rebuild leaves out an SST whose sequence range
	// lies within another's (a compaction input already merged) and moves
	// it to backup/.
	RepairSetAsideSST = "set-aside-sst"
	// RepairRebuildManifest: the manifest is unreadable; a new one is made
	// from the SSTs on disk (old CURRENT and manifest go to backup/).
	RepairRebuildManifest = "rebuild-manifest"
)

// RepairAction is one step of a repair.
type RepairAction struct {
	Kind   string
	File   string
	Detail string
	// KeyRange is the range of keys at risk, for people ("" when none).
	KeyRange string
}

func (a RepairAction) String() string {
	s := fmt.Sprintf("%-19s %s: %s", a.Kind, a.File, a.Detail)
	if a.KeyRange != "" {
		s += "\n" + strings.Repeat(" ", 20) + "keys at risk: " + a.KeyRange
	}
	return s
}

// RepairPlan is what Repair does (or did, if Applied).
type RepairPlan struct {
	Actions []RepairAction
	Applied bool
	// Report is the Verify the plan was made from.
	Report VerifyReport
}

func (p RepairPlan) String() string {
	var b strings.Builder
	if len(p.Actions) == 0 {
		if p.Report.Clean() {
			b.WriteString("Nothing to repair.\n")
		} else {
			b.WriteString("Nothing Repair can do about the errors above.\n")
		}
		return b.String()
	}
	verb := "Plan"
	if p.Applied {
		verb = "Applied"
	}
	fmt.Fprintf(&b, "%s: %s\n", verb, plural(len(p.Actions), "action"))
	for i, a := range p.Actions {
		fmt.Fprintf(&b, "%2d. %s\n", i+1, a)
	}
	if !p.Applied {
		b.WriteString("Nothing was changed. Run again with --yes to apply.\n")
	}
	return b.String()
}

// Repair plans, and with r.Apply carries out, what can be done about the
// errors Verify finds in the database at path (see the Repair* action
// kinds). It refuses, with an error wrapping ErrLocked that names the
// process, while another process has the database open, and holds the
// lock itself while it applies. Every file it changes or removes is kept
// under PATH/backup/ or PATH/quarantine/. Applying is safe to interrupt
// and repeat: an interrupted repair leaves what the next one fixes.
//
// A manifest rebuild (the manifest is unreadable) makes a manifest from
// the SSTs on disk: stripe and number from each name, key range and
// sequence numbers from its properties, each stripe's flushed LSN the
// largest sequence number of its SSTs, SSTs whose sequence range lies
// within another's left out (compaction inputs already merged). What the
// old manifest alone knew is lost: the names of tables other than the
// default one (they come back as recovered_<ID>, with key attributes
// inferred from a stored item, binary "pk"/"sk" if none can be found), and
// the creation times of SSTs (their modification times stand in).
func Repair(path string, opts *Options, r RepairOptions) (RepairPlan, error) {
	o, err := prepareOptions(opts)
	if err != nil {
		return RepairPlan{}, err
	}
	if r.Stripe < -1 || r.Stripe >= base.NumStripes {
		return RepairPlan{}, invalidArg("stripe must be -1 (all) or 0..%d, got %d", base.NumStripes-1, r.Stripe)
	}
	fsys := o.FS
	if _, err := fsys.Stat(path); err != nil {
		return RepairPlan{}, ioErr(err)
	}
	lockPath := fsys.PathJoin(path, base.LockFilename)
	if r.Apply {
		if _, err := fsys.Stat(fsys.PathJoin(path, base.CurrentFilename)); errors.Is(err, fs.ErrNotExist) {
			// Do not create a LOCK in a directory that holds no database.
			v := newVerifier(fsys, path)
			if err := v.run(false); err != nil {
				return RepairPlan{Report: v.rep}, err
			}
		}
		l, err := fsys.Lock(lockPath)
		if err != nil {
			return RepairPlan{}, lockedErr(path, err)
		}
		defer l.Close()
	} else if pid, held := probeLock(fsys, lockPath); held {
		return RepairPlan{}, lockedErr(path, &vfs.LockedError{Path: lockPath, PID: max(pid, 0)})
	}
	v := newVerifier(fsys, path)
	if err := v.run(false); err != nil {
		return RepairPlan{Report: v.rep}, err
	}
	steps := v.plan(r.Stripe)
	plan := RepairPlan{Report: v.rep}
	for _, s := range steps {
		plan.Actions = append(plan.Actions, s.action)
	}
	if !r.Apply || len(steps) == 0 {
		return plan, nil
	}
	if err := v.apply(steps); err != nil {
		return plan, err
	}
	plan.Applied = true
	return plan, nil
}

func lockedErr(path string, err error) error {
	var le *vfs.LockedError
	if errors.As(err, &le) && le.PID > 0 {
		return &Error{Kind: ErrLocked, Msg: fmt.Sprintf("%s is in use by process %d; close it there first", path, le.PID), Err: err}
	}
	if errors.Is(err, vfs.ErrLocked) {
		return &Error{Kind: ErrLocked, Msg: fmt.Sprintf("%s is in use by another process; close it there first", path), Err: err}
	}
	return ioErr(err)
}

// repairStep is an action with what applying it needs.
type repairStep struct {
	action RepairAction
	seg    *segCheck
	sst    *sstCheck
	// rebuild: the state of the new manifest.
	state *manifest.State
}

// plan turns the verifier's findings into steps.
func (v *verifier) plan(stripe int) []repairStep {
	in := func(s int) bool { return stripe < 0 || s == stripe }
	var steps []repairStep
	for _, c := range v.segs {
		if !in(c.stripe) {
			continue
		}
		switch {
		case c.badHeader:
			steps = append(steps, repairStep{seg: c, action: RepairAction{Kind: RepairSetAsideWAL, File: c.name,
				Detail: fmt.Sprintf("%s: move the file to %s/; its records are lost", c.problem, RepairBackupDir)}})
		case c.damaged:
			steps = append(steps, repairStep{seg: c, action: RepairAction{Kind: RepairTruncateWAL, File: c.name,
				Detail: v.truncateDetail(c)}})
		}
	}
	if v.state == nil {
		return append(steps, v.planRebuild()...)
	}
	for _, c := range v.ssts {
		if !c.listed || c.gone || !in(int(c.stripe)) {
			continue
		}
		kr := describeKeyRange(v.tables, c.meta.Smallest, c.meta.Largest)
		seqs := fmt.Sprintf("seqs %d..%d", c.meta.MinSeq, c.meta.MaxSeq)
		switch {
		case c.missing:
			steps = append(steps, repairStep{sst: c, action: RepairAction{Kind: RepairDropMissingSST, File: c.want, KeyRange: kr,
				Detail: fmt.Sprintf("listed in the manifest but not on disk: remove it from the manifest (%s lost)", seqs)}})
		case c.corrupt || c.wrongKeys:
			why := c.problem
			if c.wrongKeys && !c.corrupt {
				why = "holds keys of another stripe"
			}
			steps = append(steps, repairStep{sst: c, action: RepairAction{Kind: RepairQuarantineSST, File: c.name, KeyRange: kr,
				Detail: fmt.Sprintf("%s: move it to %s/ and remove it from the manifest (%s; older versions of these keys, if any, become visible again)",
					why, RepairQuarantineDir, seqs)}})
		default:
			if c.misnamed {
				steps = append(steps, repairStep{sst: c, action: RepairAction{Kind: RepairRenameSST, File: c.name,
					Detail: fmt.Sprintf("the manifest lists it as %s: rename it", c.want)}})
			}
			if c.sizeMismatch || c.propsDiffer {
				steps = append(steps, repairStep{sst: c, action: RepairAction{Kind: RepairFixManifestEntry, File: c.want,
					Detail: fmt.Sprintf("the file is intact but its manifest entry disagrees: record size %d, %d entries, seqs %d..%d from the file",
						c.size, c.props.Entries, c.props.MinSeq, c.props.MaxSeq)}})
			}
		}
	}
	return steps
}

func (v *verifier) truncateDetail(c *segCheck) string {
	last := "no record survives"
	if c.info.LastLSN != 0 {
		last = fmt.Sprintf("last good record LSN %d", c.info.LastLSN)
	}
	lost := fmt.Sprintf("records from LSN %d on in this segment are lost", c.damageLSN)
	if n, hi := v.intactAfter(c); n > 0 {
		lost = fmt.Sprintf("LSN %d..%d in this segment are lost (%s intact after the damage)", c.damageLSN, hi, plural(n, "record"))
	}
	d := fmt.Sprintf("%s: cut the file at offset %d (%s); %s; the original is copied to %s/ first",
		c.problem, c.truncate, last, lost, RepairBackupDir)
	if c.damageLSN <= v.flushed[max(c.stripe, 0)] {
		d += " (they were flushed to SSTs: nothing is lost)"
	}
	return d
}

// intactAfter counts the intact records of a damaged segment past the
// damage, and returns the largest LSN among them.
func (v *verifier) intactAfter(c *segCheck) (n int, maxLSN base.SeqNum) {
	f, err := v.fs.Open(v.path(c.name))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	wal.ReadSegmentWith(f, c.size, c.name, wal.ReadOptions{SkipDamageUpTo: base.SeqNumMax}, func(lsn base.SeqNum, payload []byte) error {
		if lsn >= c.damageLSN {
			n++
			last := lsn
			if ops, err := decodeBatch(payload); err == nil {
				last = lsn + base.SeqNum(len(ops)) - 1
			}
			maxLSN = max(maxLSN, last)
		}
		return nil
	})
	return n, maxLSN
}

// planRebuild plans a new manifest from the SSTs on disk.
func (v *verifier) planRebuild() []repairStep {
	var steps []repairStep
	st := &manifest.State{NextFileNum: v.maxNum + 1}
	var byStripe [base.NumStripes][]*sstCheck
	for _, c := range v.ssts {
		if c.gone || c.missing {
			continue
		}
		if c.corrupt || c.wrongKeys || !c.propsOK {
			kr := "unknown (the file is unreadable)"
			if c.propsOK {
				kr = describeKeyRange(v.tables, c.props.Smallest, c.props.Largest)
			}
			why := c.problem
			if why == "" {
				why = "holds keys of another stripe"
			}
			steps = append(steps, repairStep{sst: c, action: RepairAction{Kind: RepairQuarantineSST, File: c.name, KeyRange: kr,
				Detail: fmt.Sprintf("%s: move it to %s/ and leave it out of the rebuilt manifest", why, RepairQuarantineDir)}})
			continue
		}
		byStripe[c.stripe] = append(byStripe[c.stripe], c)
	}
	nfiles, nstripes := 0, 0
	var overlaps []string
	for i, cs := range byStripe {
		if len(cs) == 0 {
			continue
		}
		// Oldest first; of two SSTs starting together the wider first, so
		// that a compaction output precedes the inputs it replaced.
		sort.Slice(cs, func(a, b int) bool {
			pa, pb := cs[a].props, cs[b].props
			if pa.MinSeq != pb.MinSeq {
				return pa.MinSeq < pb.MinSeq
			}
			return pa.MaxSeq > pb.MaxSeq
		})
		var kept []*sstCheck
		for _, c := range cs {
			var within *sstCheck
			for _, k := range kept {
				if k.props.MinSeq <= c.props.MinSeq && c.props.MaxSeq <= k.props.MaxSeq {
					within = k
					break
				}
			}
			if within != nil {
				steps = append(steps, repairStep{sst: c, action: RepairAction{Kind: RepairSetAsideSST, File: c.name,
					Detail: fmt.Sprintf("its seqs %d..%d lie within %s's %d..%d (a compaction input already merged): leave it out, move it to %s/",
						c.props.MinSeq, c.props.MaxSeq, within.name, within.props.MinSeq, within.props.MaxSeq, RepairBackupDir)}})
				continue
			}
			if n := len(kept); n > 0 && c.props.MinSeq <= kept[n-1].props.MaxSeq {
				overlaps = append(overlaps, fmt.Sprintf("%s/%s", kept[n-1].name, c.name))
			}
			kept = append(kept, c)
		}
		sst := &st.Stripes[i]
		for _, c := range kept {
			p := c.props
			sst.Files = append(sst.Files, manifest.FileMeta{
				Num: c.num, Stripe: c.stripe, Size: uint64(c.size), Entries: p.Entries, Deletions: p.Deletions,
				Smallest: p.Smallest, Largest: p.Largest, MinSeq: p.MinSeq, MaxSeq: p.MaxSeq,
				CreatedUnixNano: c.mtime.UnixNano(),
			})
			sst.FlushedSeq = max(sst.FlushedSeq, p.MaxSeq)
		}
		nfiles += len(kept)
		nstripes++
	}
	st.Tables = []manifest.TableDesc{defaultTableDesc()}
	var ids []uint32
	for id := range v.samples {
		if id != st.Tables[0].ID {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	var recovered []string
	for _, id := range ids {
		td := inferTable(id, v.samples[id])
		st.Tables = append(st.Tables, td)
		recovered = append(recovered, fmt.Sprintf("%s (%s)", td.Name, describeTableDesc(td)))
	}
	detail := fmt.Sprintf("the manifest is unreadable (%v): write a new one from the SSTs on disk: %s in %s, each stripe's flushed LSN the largest sequence number of its SSTs",
		v.manErr, plural(nfiles, "SST"), plural(nstripes, "stripe"))
	if len(recovered) > 0 {
		detail += "; tables besides the default one get made-up names: " + strings.Join(recovered, ", ")
	}
	if len(overlaps) > 0 {
		detail += "; overlapping sequence ranges kept: " + strings.Join(overlaps, ", ")
	}
	detail += fmt.Sprintf("; the old CURRENT and manifest are copied to %s/ first", RepairBackupDir)
	steps = append(steps, repairStep{state: st, action: RepairAction{Kind: RepairRebuildManifest, File: base.CurrentFilename, Detail: detail}})
	return steps
}

func describeTableDesc(td manifest.TableDesc) string {
	s := fmt.Sprintf("partition key %s (%s)", td.PartitionKey, td.PartitionType)
	if td.SortKey != "" {
		s += fmt.Sprintf(", sort key %s (%s)", td.SortKey, td.SortType)
	}
	return s
}

// inferTable makes a table description for a table ID the manifest no
// longer describes, from one of its stored items: the key attributes are
// those whose key encoding makes up the stored key.
func inferTable(id uint32, s tableSample) manifest.TableDesc {
	td := manifest.TableDesc{ID: id, Name: fmt.Sprintf("recovered_%d", id),
		PartitionKey: "pk", PartitionType: manifest.KeyTypeBinary,
		SortKey: "sk", SortType: manifest.KeyTypeBinary, SortKeyOptional: true}
	it, err := item.DecodeItem(s.value)
	if err != nil || len(s.key) < 4 {
		return td
	}
	rest := s.key[4:]
	names := sortedKeys(map[string]item.Value(it), nil)
	enc := func(name string) []byte {
		b, err := item.AppendKey(nil, it[name])
		if err != nil {
			return nil
		}
		return b
	}
	for _, a := range names {
		ea := enc(a)
		if ea == nil || !bytes.HasPrefix(rest, ea) {
			continue
		}
		after := rest[len(ea):]
		if len(after) == 0 {
			return manifest.TableDesc{ID: id, Name: td.Name, PartitionKey: a, PartitionType: manifestKeyType(it[a].Type())}
		}
		for _, b := range names {
			if b != a && bytes.Equal(after, enc(b)) {
				return manifest.TableDesc{ID: id, Name: td.Name, PartitionKey: a, PartitionType: manifestKeyType(it[a].Type()),
					SortKey: b, SortType: manifestKeyType(it[b].Type())}
			}
		}
	}
	return td
}

// apply carries the steps out. The caller holds the lock.
func (v *verifier) apply(steps []repairStep) error {
	stamp := fmt.Sprint(time.Now().Unix())
	var newState *manifest.State
	if v.state != nil {
		newState = v.state.Clone()
	}
	changed := false
	for _, s := range steps {
		a := s.action
		var err error
		switch a.Kind {
		case RepairTruncateWAL:
			if err = v.copyTo(RepairBackupDir, a.File, stamp); err == nil {
				err = v.truncateFile(a.File, s.seg.truncate)
			}
		case RepairSetAsideWAL, RepairSetAsideSST:
			err = v.moveTo(RepairBackupDir, a.File, stamp)
		case RepairQuarantineSST:
			err = v.moveTo(RepairQuarantineDir, a.File, stamp)
			if err == nil && newState != nil {
				removeFile(newState, s.sst.stripe, s.sst.num)
				changed = true
			}
		case RepairDropMissingSST:
			removeFile(newState, s.sst.stripe, s.sst.num)
			changed = true
		case RepairRenameSST:
			err = v.fs.Rename(v.path(s.sst.name), v.path(s.sst.want))
			if err == nil {
				s.sst.name = s.sst.want
			}
		case RepairFixManifestEntry:
			fixFile(newState, s.sst)
			changed = true
		case RepairRebuildManifest:
			newState = s.state
			changed = true
		}
		if err != nil {
			return ioErr(fmt.Errorf("repair: %s %s: %w", a.Kind, a.File, err))
		}
	}
	if changed {
		if err := v.replaceManifest(newState, stamp); err != nil {
			return ioErr(fmt.Errorf("repair: writing the manifest: %w", err))
		}
	}
	return ioErr(syncDir(v.fs, v.dir))
}

func removeFile(st *manifest.State, stripe base.StripeID, num base.FileNum) {
	files := st.Stripes[stripe].Files
	kept := files[:0]
	for _, f := range files {
		if f.Num != num {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	st.Stripes[stripe].Files = kept
}

func fixFile(st *manifest.State, c *sstCheck) {
	files := st.Stripes[c.stripe].Files
	for i := range files {
		if files[i].Num == c.num {
			p := c.props
			f := &files[i]
			f.Size, f.Entries, f.Deletions = uint64(c.size), p.Entries, p.Deletions
			f.Smallest, f.Largest, f.MinSeq, f.MaxSeq = p.Smallest, p.Largest, p.MinSeq, p.MaxSeq
		}
	}
}

// copyTo copies the file name into the subdirectory dir as
// name.<stamp>.
func (v *verifier) copyTo(dir, name, stamp string) error {
	if err := v.fs.MkdirAll(v.path(dir), 0o755); err != nil {
		return err
	}
	src, err := v.fs.Open(v.path(name))
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := v.fs.Create(v.fs.PathJoin(v.dir, dir, name+"."+stamp))
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(v.fs, v.path(dir))
	}
	return err
}

// moveTo moves the file name into the subdirectory dir (adding .<stamp>
// when a file of that name is there already).
func (v *verifier) moveTo(dir, name, stamp string) error {
	if err := v.fs.MkdirAll(v.path(dir), 0o755); err != nil {
		return err
	}
	target := v.fs.PathJoin(v.dir, dir, name)
	if _, err := v.fs.Stat(target); err == nil {
		target += "." + stamp
	}
	if err := v.fs.Rename(v.path(name), target); err != nil {
		return err
	}
	return syncDir(v.fs, v.path(dir))
}

func (v *verifier) truncateFile(name string, size int64) error {
	f, err := v.fs.OpenReadWrite(v.path(name))
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// replaceManifest makes st the database's state: it writes a fresh
// manifest in a staging directory, moves it in and points CURRENT at it
// (atomically: until the rename the old manifest stays live). Copies of
// the old CURRENT and manifest go to backup/ first. Open deletes the old
// manifest.
func (v *verifier) replaceManifest(st *manifest.State, stamp string) error {
	for _, name := range []string{base.CurrentFilename, base.MakeFilename(base.FileKindManifest, 0, v.manNum)} {
		if v.manNum == 0 && name != base.CurrentFilename {
			continue
		}
		if _, err := v.fs.Stat(v.path(name)); err == nil {
			if err := v.copyTo(RepairBackupDir, name, stamp); err != nil {
				return err
			}
		}
	}
	// Above every number in use: names, WAL headers, the old manifest.
	st.NextFileNum = max(st.NextFileNum, v.maxNum+1, v.manNum+1)
	staging := v.path(repairStagingDir)
	if err := v.fs.RemoveAll(staging); err != nil {
		return err
	}
	if err := v.fs.MkdirAll(staging, 0o755); err != nil {
		return err
	}
	m, err := manifest.Create(v.fs, staging, st, manifest.Options{})
	if err != nil {
		return err
	}
	num := m.FileNum()
	if err := m.Close(); err != nil {
		return err
	}
	name := base.MakeFilename(base.FileKindManifest, 0, num)
	if err := v.fs.Rename(v.fs.PathJoin(staging, name), v.path(name)); err != nil {
		return err
	}
	if err := syncDir(v.fs, v.dir); err != nil {
		return err
	}
	tmp := v.path(base.CurrentFilename + ".repair.tmp")
	f, err := v.fs.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte(name + "\n"))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := v.fs.Rename(tmp, v.path(base.CurrentFilename)); err != nil {
		return err
	}
	if err := syncDir(v.fs, v.dir); err != nil {
		return err
	}
	return v.fs.RemoveAll(staging)
}
