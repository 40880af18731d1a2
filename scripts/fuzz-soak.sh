#!/usr/bin/env bash
# Fuzz soak: run every fuzz target of the repository (every `func FuzzXxx`
# in a *_test.go file) for FUZZTIME each, print the executions each one
# reached and a summary table, and fail if any target fails.
#
#   scripts/fuzz-soak.sh                  5s per target
#   KSTONE_SOAK=1 scripts/fuzz-soak.sh    60s per target
#   FUZZTIME=10s scripts/fuzz-soak.sh     any duration go test -fuzztime takes
#
# Minimizing each new interesting input is bounded by FUZZMINIMIZETIME
# (default 1s, 5s with KSTONE_SOAK): go test's default of 60s lets a
# target whose executions take milliseconds (FuzzBlock: 5 KiB blocks)
# spend the whole run minimizing, with a few dozen executions to show.
#
# It also checks that every target has a committed seed corpus,
# testdata/fuzz/<Name>/ with at least two seeds, beside its package.
#
# A failing target leaves the crashing input in testdata/fuzz/<Name>/ (as
# go test does) and its output in the log directory printed at the end;
# `go test -run '<Name>/<file>' ./pkg/` replays it.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -n "${FUZZTIME:-}" ]; then
	fuzztime=$FUZZTIME
elif [ -n "${KSTONE_SOAK:-}" ]; then
	fuzztime=60s
else
	fuzztime=5s
fi

minimizetime=${FUZZMINIMIZETIME:-1s}
if [ -z "${FUZZMINIMIZETIME:-}" ] && [ -n "${KSTONE_SOAK:-}" ]; then
	minimizetime=5s
fi

logdir=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-soak.XXXXXX")

# "path/to/file_test.go:NN:func FuzzName(f *testing.F) {" -> "./path/to FuzzName"
mapfile -t targets < <(
	grep -rn --include='*_test.go' '^func Fuzz' . |
		sed -E 's|^(.*)/[^/]+_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*$|\1 \2|' |
		sort -u
)
if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz-soak: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz-soak: ${#targets[@]} targets, ${fuzztime} each (minimizing for at most ${minimizetime}); logs in ${logdir}"

corpus_problems=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	dir="$pkg/testdata/fuzz/$name"
	n=$(find "$dir" -maxdepth 1 -type f 2>/dev/null | wc -l)
	if [ "$n" -lt 2 ]; then
		echo "fuzz-soak: $name: committed seed corpus $dir has $n seeds (want at least 2)" >&2
		corpus_problems=$((corpus_problems + 1))
	fi
done

declare -a rows
failed=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	log="$logdir/$name.log"
	start=$(date +%s)
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimizetime" "$pkg/" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# The last progress line holds the final count:
	# "fuzz: elapsed: 5s, execs: 123456 (24691/sec), new interesting: 3 (total: 40)"
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
	interesting=$(grep -o 'new interesting: [0-9]*' "$log" | tail -1 | awk '{print $3}')
	status=ok
	if [ "$rc" -ne 0 ]; then
		status=FAIL
		failed=$((failed + 1))
	fi
	printf '%-18s %-32s %-4s execs %12s  new interesting %4s  (%ss)\n' \
		"$name" "$pkg" "$status" "${execs:-?}" "${interesting:-?}" "$secs"
	if [ "$rc" -ne 0 ]; then
		sed 's/^/    /' "$log" | tail -30
	fi
	rows+=("$(printf '%-18s | %-32s | %-6s | %12s | %8s' "$name" "$pkg" "$status" "${execs:-?}" "${interesting:-?}")")
done

echo
printf '%-18s | %-32s | %-6s | %12s | %8s\n' target package status execs new
printf '%s\n' "-------------------+----------------------------------+--------+--------------+---------"
printf '%s\n' "${rows[@]}"
echo
if [ "$corpus_problems" -gt 0 ]; then
	echo "fuzz-soak: $corpus_problems targets lack a committed seed corpus" >&2
fi
if [ "$failed" -gt 0 ]; then
	echo "fuzz-soak: FAIL: $failed of ${#targets[@]} targets failed (logs in $logdir)" >&2
	exit 1
fi
if [ "$corpus_problems" -gt 0 ]; then
	exit 1
fi
echo "fuzz-soak: ok: ${#targets[@]} targets, ${fuzztime} each"
rm -rf "$logdir"
