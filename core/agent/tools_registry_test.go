package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/core/tools"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
)

// The function definitions a model is sent come from the registry, byte
// for byte what they were before it existed.
func TestToolDefinitionsUnchanged(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "tools.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(Tools())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.TrimSpace(want)) {
		t.Fatalf("tool definitions changed:\n got %s\nwant %s", got, want)
	}
	if n := len(new(Agent).Registry().Tools()); n != len(Tools()) {
		t.Fatalf("the registry holds %d tools, the model is sent %d", n, len(Tools()))
	}
}

// Every call runs unasked exactly when its risk class says it may: the
// class is what the tool's own checks let through, judged from the tool
// and its arguments alone.
func TestToolRiskMatchesWhatRunsUnasked(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"notes.txt": "milk\n", ".ssh/id_ed25519": "-----BEGIN key-----\n"} {
		if err := os.WriteFile(filepath.Join(home, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	asked := 0
	a := &Agent{
		Shell:  skills.ShellSkill{Shell: "/bin/sh", Timeout: 10 * time.Second, Dir: home},
		Files:  skills.FileSkill{Root: home, WorkDir: home},
		Memory: skills.MemorySkill{DB: db},
	}
	q := queueFor(t, db)
	a.Ask = q.Asker(func(store.Approval) (bool, string) { asked++; return false, "" })
	reg := a.Registry()
	cases := []struct {
		tool tools.Name
		args string
		want tools.Risk
	}{
		{ToolRunCommand, `{"command":"ls"}`, tools.ReadOnly},
		{ToolRunCommand, `{"command":"cat notes.txt"}`, tools.ReadOnly},
		{ToolRunCommand, `{"command":"rm notes.txt"}`, tools.Unbounded},
		{ToolRunCommand, `{"command":"cat ~/.ssh/id_ed25519"}`, tools.Unbounded},
		{ToolRunCommand, `{"command":"curl https://example.com"}`, tools.Unbounded},
		{ToolRunCommand, `{"command":"ls; touch x"}`, tools.Unbounded},
		{ToolReadFile, `{"path":"~/notes.txt"}`, tools.ReadOnly},
		{ToolReadFile, `{"path":"~/.ssh/id_ed25519"}`, tools.ReadsSecrets},
		{ToolReadFile, `{"path":".ssh/../.ssh/id_ed25519"}`, tools.ReadsSecrets},
		{ToolWriteFile, `{"path":"~/new.txt","content":"x"}`, tools.ChangesState},
		{ToolWriteFile, `{"path":"~/notes.txt","content":"x"}`, tools.ChangesState},
		{ToolListDirectory, `{"path":"~"}`, tools.ReadOnly},
		{ToolFileExists, `{"path":"~/.ssh/id_ed25519"}`, tools.ReadOnly},
		{ToolRemember, `{"key":"editor","value":"helix"}`, tools.ChangesState},
		{ToolRecall, `{"query":"editor"}`, tools.ReadOnly},
	}
	for _, tc := range cases {
		t.Run(string(tc.tool)+" "+tc.args, func(t *testing.T) {
			tl, ok := reg.Lookup(tc.tool)
			if !ok {
				t.Fatalf("%s is not registered", tc.tool)
			}
			if got := tl.RiskOf(json.RawMessage(tc.args)); got != tc.want {
				t.Fatalf("risk %v, want %v", got, tc.want)
			}
			asked = 0
			res := tl.Run(context.Background(), json.RawMessage(tc.args))
			if ranUnasked := asked == 0 && !res.Refused; ranUnasked != tc.want.RunsUnasked() {
				t.Fatalf("risk %v, but asked %d times (result %+v)", tc.want, asked, res)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(home, "new.txt")); err == nil {
		t.Fatal("a refused write happened")
	}
}

// Arguments a tool cannot read are judged at the tool's own class, and
// run nothing.
func TestToolUnreadableArguments(t *testing.T) {
	reg := new(Agent).Registry()
	for _, args := range []string{``, `null`, `[]`, `{"command":1}`, `{"command":"ls","x":"y"}`, `{"command":"ls"} {}`} {
		tl, _ := reg.Lookup(ToolRunCommand)
		if got := tl.RiskOf(json.RawMessage(args)); got != tools.Unbounded {
			t.Errorf("%q: risk %v, want the tool's own class", args, got)
		}
		res := tl.Run(context.Background(), json.RawMessage(args))
		if res.OK || !strings.Contains(res.Output, "not usable") || !strings.Contains(res.Output, `{"command": "df -h /"}`) {
			t.Errorf("%q: %+v, want a message with an example", args, res)
		}
	}
}

func TestRunToolUnknownName(t *testing.T) {
	reg := new(Agent).Registry()
	for _, name := range []string{"rm", "", "RUN_COMMAND", "run_command "} {
		res := runTool(context.Background(), reg, providers.ToolCall{Name: name, Arguments: `{}`})
		if res.OK || !strings.Contains(res.Output, "there is no tool named") ||
			!strings.Contains(res.Output, "the tools are run_command, read_file, write_file, list_directory, file_exists, remember, recall") {
			t.Errorf("%q: %+v", name, res)
		}
	}
}
