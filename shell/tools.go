package shell

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/keystonedb/kstone-shell/engine"
)

// ToolsAdmin is the embedded engine's operator tools that work on the open
// database: a read-only check of its files and an online backup.
// *engine.DB implements it; the dot commands find it by a type assertion
// on the session's Admin.
type ToolsAdmin interface {
	Verify() (engine.VerifyReport, error)
	Backup(dest string) (engine.BackupInfo, error)
}

var _ ToolsAdmin = (*engine.DB)(nil)

func (s *Session) toolsAdmin(cmd string) (ToolsAdmin, error) {
	if err := s.needAdmin(cmd); err != nil {
		return nil, err
	}
	t, ok := s.admin.(ToolsAdmin)
	if !ok {
		return nil, usageErr(-1, "%s needs the embedded engine; this backend has no operator tools", cmd)
	}
	return t, nil
}

// dotVerify checks the open database's files read-only (the engine's
// Verify; this process holds the lock, which the report mentions).
func (s *Session) dotVerify(_ context.Context, args []string, _ string) (Output, error) {
	t, err := s.toolsAdmin(".verify")
	if err != nil {
		return Output{}, err
	}
	if len(args) != 0 {
		return Output{}, usageErr(-1, "usage: .verify")
	}
	r, err := t.Verify()
	if err != nil {
		return Output{}, err
	}
	text := describeVerify(r)
	if !r.Clean() {
		return Output{}, &Error{Msg: "verify found errors:\n" + strings.TrimRight(text, "\n"), Pos: -1}
	}
	return Output{Text: text}, nil
}

// describeVerify prints a report, saying "this shell" when the process
// holding the database is this one.
func describeVerify(r engine.VerifyReport) string {
	text := r.String()
	if r.HeldByPID == os.Getpid() {
		text = strings.Replace(text, r.HeldMessage(),
			fmt.Sprintf("database is open in this shell (process %d): checked read-only; files may change while being read", r.HeldByPID), 1)
	}
	return text
}

// dotBackup copies the open database to a new directory while it stays
// open.
func (s *Session) dotBackup(_ context.Context, args []string, _ string) (Output, error) {
	t, err := s.toolsAdmin(".backup")
	if err != nil {
		return Output{}, err
	}
	if len(args) != 1 {
		return Output{}, usageErr(-1, "usage: .backup DEST (a directory that does not exist yet, or is empty)")
	}
	info, err := t.Backup(args[0])
	if err != nil {
		return Output{}, err
	}
	return Output{Text: DescribeBackup(args[0], info)}, nil
}

// DescribeBackup is the line .backup and kstone-shell backup print.
func DescribeBackup(dest string, info engine.BackupInfo) string {
	return fmt.Sprintf("Backed up to %s: %d files, %d bytes in %s\n", dest, info.Files, info.Bytes, info.Duration.Round(time.Millisecond))
}
