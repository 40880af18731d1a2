package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/shell"
)

// The operator tools: verify, repair and backup. They replace the
// hand-written scripts of the troubleshooting guide ("Corruption
// Recovery", "Disk Space Issues").

// cmdVerify checks a database read-only, even while another process has it
// open. Exit status: 0 clean, 1 errors found, 3 not a database.
func cmdVerify(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("verify", args, stderr, 1, nil)
	if !ok {
		return exitUsage
	}
	r, err := engine.Verify(pos[0], nil)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitOpen
	}
	fmt.Fprint(stdout, r.String())
	if !r.Clean() {
		return exitFailed
	}
	return exitOK
}

// cmdRepair prints what repair would do and, with --yes, does it and
// verifies again. Exit status: 0 nothing to do, planned, or repaired
// clean; 1 refused (the database is open elsewhere), failed, or still not
// clean; 3 not a database.
func cmdRepair(args []string, stdout, stderr io.Writer) int {
	stripe := -1
	yes := false
	pos, ok := subFlags("repair", args, stderr, 1, func(fs *flag.FlagSet) {
		fs.IntVar(&stripe, "stripe", -1, "repair only stripe `N` (0-255)")
		fs.BoolVar(&yes, "yes", false, "apply the plan (without it nothing is changed)")
	})
	if !ok {
		return exitUsage
	}
	if stripe < -1 || stripe > 255 {
		fmt.Fprintf(stderr, "Error: --stripe takes 0-255, got %d\n", stripe)
		return exitUsage
	}
	path := pos[0]
	plan, err := engine.Repair(path, nil, engine.RepairOptions{Stripe: stripe, Apply: yes})
	if err != nil {
		if len(plan.Actions) > 0 {
			// Applying failed part way: show what was planned.
			fmt.Fprint(stdout, plan.Report.String())
			fmt.Fprint(stdout, plan.String())
		}
		fmt.Fprintf(stderr, "Error: %v\n", err)
		if errors.Is(err, engine.ErrLocked) || len(plan.Actions) > 0 {
			return exitFailed
		}
		return exitOpen // no such directory, not a database
	}
	fmt.Fprint(stdout, plan.Report.String())
	fmt.Fprint(stdout, plan.String())
	if !plan.Applied {
		return exitOK
	}
	after, err := engine.Verify(path, nil)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "After the repair:\n%s", after.String())
	if !after.Clean() {
		return exitFailed
	}
	return exitOK
}

// cmdBackup opens the database and copies it to DEST. A database open in
// another process cannot be opened here: its own shell must run .backup.
func cmdBackup(args []string, stdout, stderr io.Writer) int {
	pos, ok := subFlags("backup", args, stderr, 2, nil)
	if !ok {
		return exitUsage
	}
	path, dest := pos[0], pos[1]
	db, err := engine.Open(path, nil)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		if errors.Is(err, engine.ErrLocked) {
			fmt.Fprintf(stderr, "The database is open in another process; run \".backup %s\" in that shell instead.\n", dest)
			return exitFailed
		}
		return exitOpen
	}
	info, err := db.Backup(dest)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v\n", err)
		return exitFailed
	}
	fmt.Fprint(stdout, shell.DescribeBackup(dest, info))
	return exitOK
}
