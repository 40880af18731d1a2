package livepanes

import (
	"strconv"
	"strings"
)

// hintTable maps the start of each finding engine.Health reports (in the
// operators' guide's words) to what to do about it, after
// TROUBLESHOOTING.md. One line each: the pane has no room for the guide,
// only for where to start. "{stripe}" is the stripe the finding names.
func hintTable() map[string]string {
	return map[string]string{
		// Degraded.
		"High SST count":            "compaction is behind: check .stats, run .compact stripe {stripe}, or lower CompactionThreshold",
		"Compaction falling behind": "writes outpace compaction: run .compact, raise MaxConcurrentCompactions, batch writes",
		"Disk usage above":          "free space: compact (.compact) to reclaim deleted data, remove old backups",
		"High write amplification":  "fewer, larger SSTs: raise MemtableRecordThreshold or CompactionThreshold",
		"High write latency":        "check disk I/O (iostat -x 1); batch writes, raise MemtableRecordThreshold, faster disk",
		// Unhealthy.
		"Database directory not accessible": "check the path exists and its permissions (ls -ld PATH, chown, chmod)",
		"Corruption detected in WAL":        "back up the directory, then restore from backup (guide: Corruption Recovery)",
		"Corruption detected in SST":        "check the disk (smartctl -a), restore from backup (guide: Corruption Recovery)",
		"Unable to write to disk":           "disk full: free space now (df -h PATH, remove old backups), then .compact",
		"Critical I/O error":                "check the disk and kernel log (dmesg, smartctl -a); reopen once fixed",
	}
}

// hintFor returns the hint for a finding, or "" for one the guide does not
// cover. The longest matching prefix wins, so the choice never depends on
// map order.
func hintFor(table map[string]string, finding string) string {
	best := ""
	for prefix := range table {
		if strings.HasPrefix(finding, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best == "" {
		return ""
	}
	return strings.ReplaceAll(table[best], "{stripe}", stripeOf(finding))
}

// stripeOf is the number after "stripe " in a finding, or "N".
func stripeOf(finding string) string {
	_, rest, ok := strings.Cut(finding, "stripe ")
	if !ok {
		return "N"
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	if n, err := strconv.Atoi(rest[:end]); err == nil {
		return strconv.Itoa(n)
	}
	return "N"
}
