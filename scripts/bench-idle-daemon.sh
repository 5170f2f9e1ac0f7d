#!/usr/bin/env bash
# bench-idle-daemon.sh: what an idle `macroa daemon` costs with 10,000
# scheduled tasks, none due for an hour, beside one with no task at all.
#
# For each case it builds a fresh data dir (the 10,000 tasks are inserted
# with sqlite3 in one transaction), starts the daemon, lets it settle for
# SETTLE seconds, then watches it for SECONDS_WATCHED seconds through
# /proc: CPU time (utime + stime of every thread), context switches of
# every thread (each wake-up of a thread is one), and resident memory.
# With strace installed it then traces every system call, for as long
# again, and counts its writes and the seconds in which it made any call
# at all: only those of the lease renewal (every 5 s), so one in five. Targets: CPU < 0.1 %, RSS < 40 MB,
# the same wake-ups with 10,000 tasks as with none.
#
# Exit status: 0 when the targets are met, 1 when one is missed or a step
# fails. Environment: SECONDS_WATCHED (60), SETTLE (5), MACROA_BIN.
set -euo pipefail

WATCH=${SECONDS_WATCHED:-60}
SETTLE=${SETTLE:-5}
TASKS=10000

say() { printf 'bench-idle-daemon: %s\n' "$*"; }
for p in sqlite3; do
	command -v "$p" >/dev/null || { say "$p is not installed: skipping"; exit 0; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/macroa-bench-idle.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

bin="$work/macroa"
if [[ -n "${MACROA_BIN:-}" ]]; then
	cp "$MACROA_BIN" "$bin"
else
	say "building macroa"
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin" ./cmd/macroa)
fi
tck=$(getconf CLK_TCK)

# threads_sum PID FIELD: the sum of a /proc/PID/task/*/status field.
threads_sum() {
	cat /proc/"$1"/task/*/status 2>/dev/null | awk -v f="$2:" '$1 == f { s += $2 } END { print s + 0 }'
}
cpu_ticks() {
	local t=0 f
	for f in /proc/"$1"/task/*/stat; do
		t=$((t + $(sed 's/.*) //' "$f" | awk '{ print $12 + $13 }')))
	done
	echo "$t"
}

# measure NAME N: a daemon over a data dir holding N tasks; prints one line.
measure() {
	local name=$1 n=$2 home="$work/$1"
	local data="$home/.macroa"
	mkdir -p "$home"
	local menv=(env -i "HOME=$home" "MACROA_HOME=$data" "PATH=/usr/local/bin:/usr/bin:/bin" "SHELL=/bin/sh" "LANG=C.UTF-8")
	(cd "$home" && "${menv[@]}" "$bin" schedule add seed '!true' 'every:3600' >/dev/null)
	(cd "$home" && "${menv[@]}" "$bin" schedule delete seed >/dev/null)
	if ((n > 0)); then
		local later=$(( $(date +%s%3N) + 3600 * 1000 ))
		sqlite3 "$data/macroa.db" "PRAGMA busy_timeout=5000;
			WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
			INSERT INTO tasks (id, name, command, kind, spec, next_run_at, created_at, updated_at, seq)
			SELECT printf('%010x', i), 'idle-' || i, '!true', 'request', 'every:3600', $later + i, $later, $later, i FROM k;" >/dev/null
	fi
	(cd "$home" && exec "${menv[@]}" "$bin" daemon >/dev/null 2>&1) &
	local pid=$!
	pids+=("$pid")
	sleep "$SETTLE"
	local pid_d
	pid_d=$(pgrep -P "$pid" -f "$bin daemon" || echo "$pid")
	local cs0 t0 writes="-" active="-"
	cs0=$(( $(threads_sum "$pid_d" voluntary_ctxt_switches) + $(threads_sum "$pid_d" nonvoluntary_ctxt_switches) ))
	t0=$(cpu_ticks "$pid_d")
	sleep "$WATCH"
	local cs1 t1 rss hwm
	cs1=$(( $(threads_sum "$pid_d" voluntary_ctxt_switches) + $(threads_sum "$pid_d" nonvoluntary_ctxt_switches) ))
	t1=$(cpu_ticks "$pid_d")
	rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$pid_d"/status)
	hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/"$pid_d"/status)
	# Then, apart (tracing adds wake-ups of its own), what the daemon wrote
	# to its files in the same length of time: the lease renewals.
	if command -v strace >/dev/null; then
		strace -f -tt -qq -p "$pid_d" -o "$work/$name.strace" 2>/dev/null &
		local sp=$!
		sleep "$WATCH"
		# A background job ignores SIGINT: TERM makes strace detach and exit.
		kill -TERM "$sp" 2>/dev/null || true
		wait "$sp" 2>/dev/null || true
		writes=$(grep -c 'write' "$work/$name.strace" 2>/dev/null || echo 0)
		# The seconds in which it made any system call at all: with a
		# renewal every 5 s, one in five.
		active=$(awk '{ print substr($2, 1, 8) }' "$work/$name.strace" | sort -u | wc -l)
	fi
	local cpu
	cpu=$(awk -v t=$((t1 - t0)) -v hz="$tck" -v s="$WATCH" 'BEGIN { printf "%.3f", t / hz / s * 100 }')
	printf '%-10s tasks=%-6d cpu=%s%% wakeups=%d (%.1f/s) writes=%s busy_seconds=%s/%d rss=%.1fMB peak=%.1fMB\n' \
		"$name" "$n" "$cpu" $((cs1 - cs0)) "$(awk -v w=$((cs1 - cs0)) -v s="$WATCH" 'BEGIN { print w / s }')" \
		"$writes" "$active" "$WATCH" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
	echo "$name $cpu $((cs1 - cs0)) $rss $active" >>"$work/results"
	kill -TERM "$pid_d" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

say "watching each idle daemon for ${WATCH}s after ${SETTLE}s to settle"
measure empty 0
measure tasks10k "$TASKS"

read -r _ cpu0 wake0 _ _ < <(grep '^empty ' "$work/results")
read -r _ cpu1 wake1 rss1 busy1 < <(grep '^tasks10k ' "$work/results")
fail=0
awk -v c="$cpu1" 'BEGIN { exit !(c < 0.1) }' || { say "CPU ${cpu1}% with 10,000 tasks: target < 0.1%"; fail=1; }
((rss1 < 40 * 1024)) || { say "RSS $((rss1 / 1024)) MB with 10,000 tasks: target < 40 MB"; fail=1; }
# The same wake-ups with and without tasks, within noise (a quarter, or 20).
diff=$((wake1 - wake0))
((diff < 0)) && diff=$((-diff))
limit=$((wake0 / 4 > 20 ? wake0 / 4 : 20))
((diff <= limit)) || { say "wake-ups: $wake1 with 10,000 tasks against $wake0 with none"; fail=1; }
# Busy only around the renewals: a renewal may straddle two seconds.
if [[ "$busy1" != "-" ]] && ((busy1 > 2 * (WATCH / 5 + 1))); then
	say "busy in $busy1 of $WATCH seconds with 10,000 tasks: more than the lease renewals"
	fail=1
fi
((fail == 0)) && say "targets met"
exit "$fail"
