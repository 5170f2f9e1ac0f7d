// Package inittime holds the test that keeps package initialisation cheap:
// every process (a one-line `macroa run` as much as the cockpit) pays for
// the init of every package linked into the binary, so a package of ours
// builds its patterns and tables on first use (see package lazy), never
// at init.
package inittime

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/macroa/macroa"

// The bounds one package of ours may allocate at init. Sentinel errors
// and lazy declarations cost an allocation or two each; one compiled
// regexp or a map of a few dozen entries is well over both bounds.
// Allocations are counted, not timed, so a busy machine cannot fail the
// test and a fast one cannot hide a regression.
const (
	maxAllocs = 32
	maxBytes  = 4096
)

// initLine is one line of GODEBUG=inittrace=1 output:
// "init github.com/x/y @1.2 ms, 0.31 ms clock, 4096 bytes, 12 allocs".
var initLine = regexp.MustCompile(`^init (\S+) @\S+ ms, (\S+) ms clock, (\d+) bytes, (\d+) allocs$`)

type pkgInit struct {
	pkg           string
	ms            float64
	bytes, allocs int
}

func TestInitIsCheap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "macroa")
	build := exec.Command("go", "build", "-o", bin, "./cmd/macroa")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build macroa: %v\n%s", err, out)
	}
	inits := traceInit(t, bin, "version")
	ours := 0
	for _, in := range inits {
		if in.pkg != module && !strings.HasPrefix(in.pkg, module+"/") {
			continue
		}
		ours++
		if in.allocs > maxAllocs || in.bytes > maxBytes {
			t.Errorf("%s allocates %d times (%d bytes) at init, more than %d (%d bytes): build its regexps, maps and tables on first use (package lazy)",
				in.pkg, in.allocs, in.bytes, maxAllocs, maxBytes)
		}
	}
	if ours == 0 {
		t.Fatalf("the init trace names no package of %s: has its format changed?\n%v", module, inits)
	}
	// The slowest inits, ours or not, for whoever reads the log.
	sort.Slice(inits, func(i, j int) bool { return inits[i].ms > inits[j].ms })
	for _, in := range inits[:min(10, len(inits))] {
		t.Logf("%6.3f ms %7d bytes %5d allocs  %s", in.ms, in.bytes, in.allocs, in.pkg)
	}
}

// The parser reads the runtime's trace lines and nothing else.
func TestParseTrace(t *testing.T) {
	out := "macroa 1.0\n" +
		"init internal/bytealg @0.005 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init github.com/macroa/macroa/redact @15 ms, 2.2 ms clock, 346088 bytes, 1963 allocs\n" +
		"init broken line\n"
	got := parseTrace([]byte(out))
	want := []pkgInit{{"internal/bytealg", 0, 0, 0}, {module + "/redact", 2.2, 346088, 1963}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("parseTrace = %v, want %v", got, want)
	}
}

// traceInit runs bin with args under GODEBUG=inittrace=1 in an empty home
// and returns every package's init.
func traceInit(t *testing.T, bin string, args ...string) []pkgInit {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"GODEBUG=inittrace=1", "HOME=" + home, "MACROA_HOME=" + filepath.Join(home, ".macroa"), "PATH=" + os.Getenv("PATH")}
	cmd.Dir = home
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return parseTrace(stderr.Bytes())
}

func parseTrace(out []byte) []pkgInit {
	var inits []pkgInit
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := initLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ms, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.Atoi(m[3])
		a, _ := strconv.Atoi(m[4])
		inits = append(inits, pkgInit{pkg: m[1], ms: ms, bytes: b, allocs: a})
	}
	return inits
}
