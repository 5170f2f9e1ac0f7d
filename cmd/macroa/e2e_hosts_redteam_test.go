package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// TestHostsAddRefusesOptionLikeNames: a host name that reads as an option
// (or as a path step) could never be named again on the command line
// (`macroa hosts exec -x -- …` is a flag), so add refuses it like any
// other name outside a-z, 0-9, '.', '_', '-'.
func TestHostsAddRefusesOptionLikeNames(t *testing.T) {
	for _, name := range []string{"-x", "--", "-oProxyCommand=x", ".", ".."} {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			r := s.macroa("hosts", "add", "--address", "127.0.0.1", "--", name)
			if r.code != 2 {
				t.Errorf("hosts add %q: exit %d, want 2 (a usage error)\n%s%s", name, r.code, r.stdout, r.stderr)
			}
			assertNoCrash(t, r)
		})
	}
}

// TestHostsStatusRefusedKeyHint: a host whose key changed is refused;
// hosts status must not tell the person to trust the new key (trust
// refuses it anyway), but to check and remove the old line.
func TestHostsStatusRefusedKeyHint(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{})
	s := newSandbox(t)
	expect(t, s.macroa("hosts", "add", "web1", "--address", "127.0.0.1", "--port", strconv.Itoa(srv.Port),
		"--user", srv.User, "--identity-file", srv.ClientKeyFile), 0, "macroa hosts trust web1")
	expect(t, s.macroa("hosts", "trust", "web1", "--yes"), 0, "Trusted")
	srv.RotateHostKey()
	r := s.macroa("hosts", "status", "web1", "--probe")
	if r.code != 1 || !strings.Contains(r.stdout, "refused") {
		t.Fatalf("status after the key changed: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "(check it, then: macroa hosts trust") || !strings.Contains(r.stdout, "known_hosts") {
		t.Errorf("a refused host's status tells the person to trust its new key, not where the old one is:\n%s", r.stdout)
	}
}

// TestPrometheusSourceThatAnswers: a [[prometheus]] source that answers
// and lists its targets is not an unreachable host, fires no unreachable
// alert, and its targets are hosts a person can name.
func TestPrometheusSourceThatAnswers(t *testing.T) {
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		res := []any{}
		if strings.HasPrefix(r.Form.Get("query"), "up") {
			res = append(res, map[string]any{"metric": map[string]string{"__name__": "up", "instance": "10.9.9.9:9100", "job": "node"},
				"value": []any{float64(time.Now().Unix()), "1"}})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": res}})
	}))
	t.Cleanup(prom.Close)
	s := newSandbox(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	toml := fmt.Sprintf("[[prometheus]]\nname = \"dc1\"\nurl = %q\n", prom.URL)
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	r := s.macroa("hosts", "status", "--probe")
	assertNoCrash(t, r)
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "dc1 ") && strings.Contains(l, "unreachable") {
			t.Errorf("a source that answered is shown unreachable: %s", l)
		}
	}
	if a := s.macroa("hosts", "alerts", "--all"); strings.Contains(a.stdout, "dc1") {
		t.Errorf("a source that answered fired an alert:\n%s", a.stdout)
	}
	if st := s.macroa("hosts", "status", "10.9.9.9"); st.code == 2 || strings.Contains(st.stderr, "no host named") {
		t.Errorf("the source's target is no host by its name: exit %d %s", st.code, st.stderr)
	}
}
