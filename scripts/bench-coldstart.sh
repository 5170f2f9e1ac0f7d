#!/usr/bin/env bash
# bench-coldstart.sh: what a whole macroa process costs from exec to exit,
# measured side by side in one hyperfine run with what it is compared to:
#   hello          a hello-world Go binary (static, built here)
#   python         $PYTHON -c pass (default /usr/bin/python3)
#   version        macroa version
#   sqlite floor   a static Go program that only opens a WAL database
#                  with the project's SQLite driver (modernc.org/sqlite),
#                  reads one row, appends one and closes: the least any
#                  run that reads and records in the store can cost
#   memory lookup  macroa run 'what is my x', after 'remember my x is 5'
# Targets: the memory lookup within 2x hello and under half of python.
#
# Exit status: 0 when both targets are met (or hyperfine is missing:
# skipped), 1 when one is missed or a step fails.
#
# Needs go and hyperfine. Environment: RUNS (100), WARMUP (10),
# PYTHON (/usr/bin/python3: a pyenv shim on PATH would measure the shim).
set -euo pipefail

RUNS=${RUNS:-100}
WARMUP=${WARMUP:-10}
PYTHON=${PYTHON:-/usr/bin/python3}

say() { printf 'bench-coldstart: %s\n' "$*"; }

if ! command -v hyperfine >/dev/null 2>&1; then
	say "hyperfine is not installed: skipping (install hyperfine to run this benchmark)"
	exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/macroa-bench-coldstart.XXXXXX")
trap 'rm -rf "$work"' EXIT

bin="$work/macroa"
hello="$work/hello"
home="$work/home"
mkdir -p "$home" "$work/hellosrc"

say "building macroa and hello-world (static)"
(cd "$root" && CGO_ENABLED=0 go build -o "$bin" ./cmd/macroa)
cat >"$work/hellosrc/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello") }
GO
printf 'module hello\n\ngo 1.22\n' >"$work/hellosrc/go.mod"
(cd "$work/hellosrc" && CGO_ENABLED=0 GOFLAGS= go build -o "$hello" .)

floor="$work/floor"
mkdir -p "$work/floorsrc"
cat >"$work/floorsrc/main.go" <<'GO'
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "modernc.org/sqlite"
)

func main() {
	db, err := sql.Open("sqlite", "file:"+os.Args[1]+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err == nil {
		_, err = db.Exec("CREATE TABLE IF NOT EXISTS facts(k TEXT PRIMARY KEY, v TEXT); CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, input TEXT)")
	}
	var v string
	if err == nil {
		err = db.QueryRow("SELECT coalesce(max(v), '') FROM facts WHERE k = 'x'").Scan(&v)
	}
	if err == nil {
		_, err = db.Exec("INSERT INTO audit(input) VALUES ('what is my x')")
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(v)
}
GO
sqlite_version=$(cd "$root" && go list -m -f '{{.Version}}' modernc.org/sqlite)
printf 'module floor\n\ngo 1.22\n\nrequire modernc.org/sqlite %s\n' "$sqlite_version" >"$work/floorsrc/go.mod"
cp "$root/go.sum" "$work/floorsrc/go.sum"
(cd "$work/floorsrc" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$floor" .)

# A clean environment: no key, data dir or config of whoever runs this
# leaks in, and no model is configured (a memory lookup needs none).
export HOME="$home" MACROA_HOME="$home/.macroa"
unset MACROA_DB_PATH MACROA_API_KEY OPENROUTER_API_KEY MACROA_BASE_URL || true
cd "$home"
"$bin" run 'remember my x is 5' >/dev/null
if [[ $("$bin" run 'what is my x') != "x = 5" ]]; then
	say "the memory lookup did not answer x = 5"
	exit 1
fi

cmds=("$hello" "$floor $work/floor.db" "$bin version" "$bin run 'what is my x'")
names=(hello "sqlite floor" version "memory lookup")
have_python=0
if [[ -x "$PYTHON" ]]; then
	have_python=1
	cmds=("$hello" "$PYTHON -c pass" "$floor $work/floor.db" "$bin version" "$bin run 'what is my x'")
	names=(hello python "sqlite floor" version "memory lookup")
else
	say "$PYTHON not found: comparing with hello-world only"
fi
hf=(hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-csv "$work/times.csv")
for i in "${!cmds[@]}"; do
	hf+=(--command-name "${names[$i]}" "${cmds[$i]}")
done
"${hf[@]}"

# times.csv: command,mean,stddev,median,user,system,min,max (seconds).
mean() { awk -F, -v n="$1" '$1 == n { printf "%.2f", $2 * 1000 }' "$work/times.csv"; }
hello_ms=$(mean hello)
run_ms=$(mean "memory lookup")
say "hello ${hello_ms} ms, sqlite floor $(mean "sqlite floor") ms, version $(mean version) ms, memory lookup ${run_ms} ms$( ((have_python)) && echo ", python $(mean python) ms")"

status=0
check() { # name, value, limit
	if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then
		say "ok:     $1 (${2} ms <= ${3} ms)"
	else
		say "missed: $1 (${2} ms > ${3} ms)"
		status=1
	fi
}
check "memory lookup within 2x hello-world" "$run_ms" "$(awk -v h="$hello_ms" 'BEGIN { printf "%.2f", 2 * h }')"
if ((have_python)); then
	check "memory lookup under half of python" "$run_ms" "$(awk -v p="$(mean python)" 'BEGIN { printf "%.2f", p / 2 }')"
fi
exit "$status"
