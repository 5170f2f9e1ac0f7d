# cockpit.sh: what the cockpit benchmarks share, sourced after the caller
# defines say() and sets bench (a short name for its temp dir). It skips
# the benchmark when tmux is missing, then sets up:
#   root, work     the repository and a temp dir removed on exit
#   socket, session, tmuxc, screen
#                  a private tmux server (its own socket, never another's),
#                  killed on exit, and its screen as text
#   bin, home, data, db
#                  macroa (built, or copied from $MACROA_BIN) and a clean
#                  home and data dir
#   menv, macroa   a clean environment (no key, data dir or config of
#                  whoever runs this, no model) and macroa run in it

if ! command -v tmux >/dev/null 2>&1; then
	say "tmux is not installed: skipping (install tmux to run this benchmark)"
	exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/macroa-bench-$bench.XXXXXX")
socket="$work/tmux.sock"
session=bench
cleanup() {
	tmux -u -S "$socket" kill-server >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

bin="$work/macroa"
home="$work/home"
data="$home/.macroa"
db="$data/macroa.db"
mkdir -p "$home"
if [[ -n "${MACROA_BIN:-}" ]]; then
	cp "$MACROA_BIN" "$bin"
else
	say "building macroa"
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin" ./cmd/macroa)
fi

menv=(env -i "HOME=$home" "MACROA_HOME=$data" "PATH=/usr/local/bin:/usr/bin:/bin"
	"SHELL=/bin/sh" "LANG=C.UTF-8" "TERM=xterm-256color")
macroa() { (cd "$home" && "${menv[@]}" "$bin" "$@"); }

# -u: the screen holds UTF-8 (borders, "·") whatever the caller's locale.
tmuxc() { tmux -u -S "$socket" "$@"; }
screen() { tmuxc capture-pane -p -t "$session" 2>/dev/null || true; }
