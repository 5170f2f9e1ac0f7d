#!/usr/bin/env bash
# bench-tui.sh: what the cockpit costs while it sits idle with a long
# session open.
#
# Builds macroa, seeds a throwaway data dir with a session of 1,000 turns,
# opens `macroa tui --session big` at 160x48 in a private tmux server,
# waits until the session is on screen, then measures the macroa process
# over 10 s of idleness:
#   idle CPU      utime+stime from /proc/<pid>/stat     target < 1 %
#   VmRSS, VmHWM  from /proc/<pid>/status               target < 60 MB
# and quits it with ctrl+c twice, as a person would. Everything it made
# (data dir, binary, tmux server) is removed on exit.
#
# Exit status: 0 when both targets are met (or tmux is missing: skipped),
# 1 when one is missed or a step fails.
#
# Needs Linux (/proc), go and tmux. With sqlite3 installed the session is
# seeded with one INSERT; without it, with 1,000 `macroa run` calls.
#
# Environment: TURNS (1000), IDLE_SECONDS (10); MACROA_BIN, a binary to
# measure instead of building one.
set -euo pipefail

TURNS=${TURNS:-1000}
IDLE_SECONDS=${IDLE_SECONDS:-10}
WIDTH=160
HEIGHT=48
CPU_TARGET_PCT=1
RSS_TARGET_MB=60

say() { printf 'bench-tui: %s\n' "$*"; }

if [[ ! -r /proc/self/stat ]]; then
	say "no /proc here (this benchmark reads Linux process stats): skipping"
	exit 0
fi
if (( TURNS < 2 )); then
	say "TURNS must be at least 2"
	exit 2
fi

bench=tui
# shellcheck source=lib/cockpit.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cockpit.sh"

say "seeding session \"big\" with $TURNS turns"
# The first turn is a real run: it creates the database, the session and an
# audit entry. The rest are the same kind of turn (a shell command and its
# output), written straight into the conversation when sqlite3 is here.
macroa run --session big '!echo line 1' >/dev/null
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$db" <<SQL
.timeout 5000
BEGIN IMMEDIATE;
WITH RECURSIVE seq(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM seq WHERE n < $TURNS),
	roles(role, k) AS (VALUES ('user', 0), ('assistant', 1))
INSERT INTO context_entries (session_id, turn_id, role, content, skill, created_at)
SELECT s.id, printf('00000000-0000-4000-8000-%012d', n), role,
	CASE role WHEN 'user' THEN printf('!echo line %d', n) ELSE printf('line %d', n) END,
	'shell', CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM seq, roles, sessions s WHERE s.name = 'big' ORDER BY n, k;
UPDATE sessions SET turn_count = turn_count + $TURNS - 1,
	updated_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE name = 'big';
COMMIT;
SQL
else
	say "sqlite3 not installed: seeding with $((TURNS - 1)) more macroa run calls"
	for ((n = 2; n <= TURNS; n++)); do
		macroa run --session big "!echo line $n" >/dev/null
		if (( n % 100 == 0 )); then say "  $n turns"; fi
	done
fi
turns=$(macroa sessions list 2>/dev/null | awk '$1 == "big" { print $2 }' || true)
say "session big: ${turns:-?} turns stored"


# wait_for TEXT SECONDS: poll the screen until it shows TEXT.
wait_for() {
	local text=$1 deadline=$((SECONDS + $2))
	until screen | grep -qF -- "$text"; do
		if (( SECONDS >= deadline )); then
			say "timed out waiting for \"$text\"; the screen:"
			screen
			exit 1
		fi
		sleep 0.05
	done
}

say "starting macroa tui --session big at ${WIDTH}x${HEIGHT}"
started=$(date +%s.%N)
# env execs macroa, so the pane's process is macroa itself.
tmuxc -f /dev/null new-session -d -s "$session" -x "$WIDTH" -y "$HEIGHT" -c "$home" -- \
	"${menv[@]}" "$bin" tui --session big
tmuxc set -g escape-time 0 >/dev/null
wait_for "chat · big" 20
wait_for "line $TURNS" 20
ready=$(date +%s.%N)

# The pane's process: macroa when env exec'd it; should a wrapper ever sit
# in between, its macroa child.
pane_pid=$(tmuxc display -p -t "$session" '#{pane_pid}')
pid=$pane_pid
if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != macroa ]]; then
	pid=$(pgrep -P "$pane_pid" -x macroa | head -n1 || true)
fi
if [[ -z "$pid" || "$(cat "/proc/$pid/comm" 2>/dev/null)" != macroa ]]; then
	say "could not find the macroa process under tmux pane pid $pane_pid"
	exit 1
fi
say "screen shows the session after $(awk -v a="$started" -v b="$ready" 'BEGIN { printf "%.2f", b - a }') s (macroa pid $pid)"

# cpu_ticks PID: utime + stime in clock ticks. Fields 14 and 15 of
# /proc/PID/stat; the command name (field 2) may hold spaces, so count
# from the ") " that closes it.
cpu_ticks() {
	local stat rest
	stat=$(<"/proc/$1/stat")
	rest=${stat##*) }
	read -r -a f <<<"$rest"
	echo $((f[11] + f[12]))
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

sleep 1 # let the first paint and loads settle
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$pid")
s0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
t1=$(cpu_ticks "$pid")
s1=$(date +%s.%N)
rss_kb=$(status_kb "$pid" VmRSS)
hwm_kb=$(status_kb "$pid" VmHWM)

cpu_pct=$(awk -v t="$((t1 - t0))" -v hz="$hz" -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", t / hz / (b - a) * 100 }')
rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
hwm_mb=$(awk -v k="$hwm_kb" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')

say "quitting with ctrl+c twice"
tmuxc send-keys -t "$session" C-c
wait_for "press ctrl+c again to quit" 5
tmuxc send-keys -t "$session" C-c
deadline=$((SECONDS + 10))
while [[ -e "/proc/$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == macroa ]]; do
	if (( SECONDS >= deadline )); then
		say "macroa did not quit after ctrl+c twice; the screen:"
		screen
		exit 1
	fi
	sleep 0.05
done

verdict() { if awk -v v="$1" -v max="$2" 'BEGIN { exit !(v < max) }'; then echo ok; else echo OVER; fi; }
cpu_ok=$(verdict "$cpu_pct" "$CPU_TARGET_PCT")
rss_ok=$(verdict "$rss_mb" "$RSS_TARGET_MB")
hwm_ok=$(verdict "$hwm_mb" "$RSS_TARGET_MB")
echo
printf '%-42s %10s   %s\n' "macroa tui, ${TURNS}-turn session, ${WIDTH}x${HEIGHT}" "" "target"
printf '%-42s %8s %%   < %s %%  %s\n' "idle CPU over ${IDLE_SECONDS} s ($((t1 - t0)) ticks at ${hz} Hz)" "$cpu_pct" "$CPU_TARGET_PCT" "$cpu_ok"
printf '%-42s %8s MB  < %s MB  %s\n' "VmRSS (resident now)" "$rss_mb" "$RSS_TARGET_MB" "$rss_ok"
printf '%-42s %8s MB  < %s MB  %s\n' "VmHWM (peak resident)" "$hwm_mb" "$RSS_TARGET_MB" "$hwm_ok"
[[ "$cpu_ok" == ok && "$rss_ok" == ok && "$hwm_ok" == ok ]]
