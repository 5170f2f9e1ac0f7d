package kernel_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
)

func TestRunWritesOneAuditEntry(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		source     kernel.Source
		route      router.Route
		skill      skills.Name
		tier       string
		success    bool
		errPart    string // in Result.Error and the audit Error; "" = both empty
		output     string // exact Result.Output when not ""
		minElapsed int64  // ms
	}{
		{name: "shell", input: "!echo hello", source: kernel.SourceCLI,
			route: "shell-prefix", skill: "shell", tier: "nano", success: true, output: "hello"},
		{name: "tier keyword on a shell command", input: "!echo think carefully", source: kernel.SourceREPL,
			route: "shell-prefix", skill: "shell", tier: "sonnet", success: true, output: "think carefully"},
		{name: "failed shell command", input: "!echo partial; exit 3", source: kernel.SourceCLI,
			route: "shell-prefix", skill: "shell", tier: "nano", errPart: "exit code 3", output: "partial"},
		{name: "slow shell command", input: "!sleep 0.2", source: kernel.SourceScheduler,
			route: "shell-prefix", skill: "shell", tier: "nano", success: true, minElapsed: 200},
		{name: "memory", input: "remember my editor is helix", source: kernel.SourceTUI,
			route: "memory-shortcut", skill: "memory", tier: "nano", success: true, output: "Remembered: editor = helix"},
		{name: "memory miss", input: "what is my editor?", source: kernel.SourceHTTP,
			route: "memory-shortcut", skill: "memory", tier: "nano", success: true},
		{name: "file", input: "read file ~/missing.txt", source: kernel.SourceCLI,
			route: "file-shortcut", skill: "file", tier: "nano", errPart: "no such file"},
		{name: "needs a model", input: "use the best model to write a poem", source: kernel.SourceAutonomy,
			route: "fallback", skill: "chat", tier: "opus", errPart: "OPENROUTER_API_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			res := f.k.Run(context.Background(), kernel.Request{Input: tc.input, Source: tc.source})
			if res.AuditErr != nil {
				t.Fatalf("AuditErr: %v", res.AuditErr)
			}
			if res.Success != tc.success || res.Route != tc.route || res.Skill != tc.skill || res.Tier.String() != tc.tier {
				t.Errorf("result success=%v route=%s skill=%s tier=%s, want %v %s %s %s (error %q)",
					res.Success, res.Route, res.Skill, res.Tier, tc.success, tc.route, tc.skill, tc.tier, res.Error)
			}
			if tc.output != "" && res.Output != tc.output {
				t.Errorf("Output = %q, want %q", res.Output, tc.output)
			}
			if res.Model != "" || res.LLMCalls != 0 {
				t.Errorf("a deterministic run reports model %q and %d model calls", res.Model, res.LLMCalls)
			}

			e := f.onlyAudit(t)
			if e.TurnID != res.TurnID || e.TurnID == "" {
				t.Errorf("audit turn %q, result turn %q", e.TurnID, res.TurnID)
			}
			if e.Source != string(tc.source) || e.Input != tc.input || e.Route != string(tc.route) || e.Skill != string(tc.skill) ||
				e.Tier != tc.tier || e.Success != tc.success || e.Model != "" || e.Session != "" {
				t.Errorf("audit entry %+v does not match the run", e)
			}
			if e.Error != res.Error {
				t.Errorf("audit error %q, result error %q", e.Error, res.Error)
			}
			switch {
			case tc.errPart == "" && e.Error != "":
				t.Errorf("audit error %q, want none", e.Error)
			case tc.errPart != "" && !strings.Contains(e.Error, tc.errPart):
				t.Errorf("audit error %q does not mention %q", e.Error, tc.errPart)
			}
			if e.ElapsedMS != res.Elapsed.Milliseconds() || e.ElapsedMS < tc.minElapsed || res.Elapsed <= 0 {
				t.Errorf("audit elapsed %dms, result elapsed %s, want at least %dms", e.ElapsedMS, res.Elapsed, tc.minElapsed)
			}
			if e.Time.IsZero() || time.Since(e.Time) > time.Minute {
				t.Errorf("audit time %s", e.Time)
			}
		})
	}
}

func TestRunShellStartsInWorkDir(t *testing.T) {
	f := newFixture(t, "")
	want, err := filepath.EvalSymlinks(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	res := f.k.Run(context.Background(), kernel.Request{Input: "!pwd -P", Source: kernel.SourceCLI})
	if !res.Success || res.Output != want {
		t.Errorf("got success=%v output=%q error=%q, want %q", res.Success, res.Output, res.Error, want)
	}
}

func TestRunRedactsSecretsFromAudit(t *testing.T) {
	const (
		orKey       = "zq7Xk2Lm9Pw4Rt8Yv3Nb"
		baseKey     = "bK4mV8xP2qL7wR9tZ3cF"
		providerKey = "pJ6nH3sD8gF1kL5zX9vB"
		envKey      = "eW2rT7yU4iO9pA3sD6fG"
	)
	tests := []struct {
		name   string
		env    []string
		toml   string
		input  string
		secret string
	}{
		{name: "password in a remember", input: "remember my wifi password is hunter2", secret: "hunter2"},
		{name: "OPENROUTER_API_KEY typed into a shell command",
			env: []string{"OPENROUTER_API_KEY=" + orKey}, input: "!echo " + orKey, secret: orKey},
		{name: "OPENROUTER_API_KEY in a failing command",
			env: []string{"OPENROUTER_API_KEY=" + orKey}, input: "!echo " + orKey + " >&2; exit 4", secret: orKey},
		{name: "MACROA_API_KEY typed into a shell command",
			env: []string{"MACROA_BASE_URL=http://127.0.0.1:9/v1", "MACROA_API_KEY=" + baseKey}, input: "!echo " + baseKey, secret: baseKey},
		{name: "config.toml provider api_key typed into a shell command",
			toml:  "[providers.local]\nbase_url = \"http://127.0.0.1:9/v1\"\napi_key = \"" + providerKey + "\"\n",
			input: "!echo " + providerKey, secret: providerKey},
		{name: "config.toml provider api_key_env typed into a shell command",
			env:   []string{"LOCAL_LLM_CREDENTIAL=" + envKey},
			toml:  "[providers.local]\nbase_url = \"http://127.0.0.1:9/v1\"\napi_key_env = \"LOCAL_LLM_CREDENTIAL\"\n",
			input: "!echo " + envKey, secret: envKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.toml, tc.env...)
			res := f.k.Run(context.Background(), kernel.Request{Input: tc.input, Source: kernel.SourceCLI})
			if res.AuditErr != nil {
				t.Fatalf("AuditErr: %v", res.AuditErr)
			}
			// The run itself saw the secret: it is only kept out of the log.
			if !strings.Contains(res.Output, tc.secret) {
				t.Errorf("Output = %q, want the command to have run with the secret", res.Output)
			}
			e := f.onlyAudit(t)
			for field, v := range map[string]string{"input": e.Input, "error": e.Error, "session": e.Session} {
				if strings.Contains(v, tc.secret) {
					t.Errorf("audit %s %q holds the secret", field, v)
				}
			}
			if !strings.Contains(e.Input, "[redacted]") {
				t.Errorf("audit input %q has no redaction marker", e.Input)
			}
		})
	}
}

func TestRunNeedsModelWithNoneConfigured(t *testing.T) {
	inputs := []string{"tell me a joke", "think carefully about CAP", "what is the weather"}
	for _, input := range inputs {
		t.Run(input, func(t *testing.T) {
			f := newFixture(t, "")
			res := f.k.Run(context.Background(), kernel.Request{Input: input, Source: kernel.SourceCLI})
			if res.Success {
				t.Fatalf("Success = true with no model configured: %+v", res)
			}
			for _, want := range []string{"OPENROUTER_API_KEY", "MACROA_BASE_URL"} {
				if !strings.Contains(res.Error, want) {
					t.Errorf("Error = %q, want it to mention %s", res.Error, want)
				}
			}
			if res.Skill != "chat" || res.Route != "fallback" || res.LLMCalls != 0 || res.Model != "" || res.Tokens != 0 || res.CostUSD != 0 {
				t.Errorf("result %+v: want skill chat, route fallback, no model call", res)
			}
			e := f.onlyAudit(t)
			if e.Skill != "chat" || e.Success || e.Error != res.Error || e.Model != "" || e.CostUSD != 0 {
				t.Errorf("audit entry %+v does not record the failed chat run", e)
			}
		})
	}
}

func TestRunNamedSession(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "")
	runs := []struct {
		input     string
		success   bool
		assistant []string // parts of the stored assistant entry
	}{
		{input: "!echo hello", success: true, assistant: []string{"hello"}},
		{input: "!echo half; exit 3", success: false, assistant: []string{"half", "Error: command failed with exit code 3"}},
	}
	var turns []store.TurnID
	for _, r := range runs {
		res := f.k.Run(ctx, kernel.Request{Input: r.input, Session: "work", Source: kernel.SourceREPL})
		if res.Success != r.success || res.Session != "work" || res.AuditErr != nil {
			t.Fatalf("%s: success=%v session=%q auditErr=%v error=%q", r.input, res.Success, res.Session, res.AuditErr, res.Error)
		}
		if strings.Contains(res.Error, "could not save") {
			t.Fatalf("%s: %s", r.input, res.Error)
		}
		turns = append(turns, res.TurnID)
	}

	sess, ok, err := f.db.SessionByName(ctx, "work")
	if err != nil || !ok {
		t.Fatalf("session work: ok=%v err=%v", ok, err)
	}
	if sess.TurnCount != len(runs) {
		t.Errorf("turn_count = %d, want %d", sess.TurnCount, len(runs))
	}
	entries, err := f.db.RecentEntries(ctx, sess.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2*len(runs) {
		t.Fatalf("%d entries, want %d: %+v", len(entries), 2*len(runs), entries)
	}
	for i, r := range runs {
		user, asst := entries[2*i], entries[2*i+1]
		if user.Role != store.RoleUser || user.Content != r.input || user.TurnID != turns[i] || user.Skill != "shell" {
			t.Errorf("turn %d user entry %+v", i, user)
		}
		if asst.Role != store.RoleAssistant || asst.TurnID != turns[i] || asst.Skill != "shell" {
			t.Errorf("turn %d assistant entry %+v", i, asst)
		}
		for _, part := range r.assistant {
			if !strings.Contains(asst.Content, part) {
				t.Errorf("turn %d assistant entry %q does not hold %q", i, asst.Content, part)
			}
		}
	}
	audit := f.audit(t)
	if len(audit) != len(runs) {
		t.Fatalf("%d audit entries, want %d", len(audit), len(runs))
	}
	for i, e := range audit {
		if e.Session != "work" || e.TurnID != turns[i] {
			t.Errorf("audit entry %d: session %q turn %q, want work %q", i, e.Session, e.TurnID, turns[i])
		}
	}
}

func TestRunAnonymousCreatesNoSession(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "")
	inputs := []string{"!echo hi", "!exit 1", "remember my editor is helix", "what is my editor", "tell me a joke", "list directory ~"}
	for _, in := range inputs {
		if res := f.k.Run(ctx, kernel.Request{Input: in, Source: kernel.SourceCLI}); res.Session != "" || res.AuditErr != nil {
			t.Fatalf("%s: session %q, auditErr %v", in, res.Session, res.AuditErr)
		}
	}
	sessions, err := f.db.ListSessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 0 {
		t.Errorf("anonymous runs created sessions: %+v", sessions)
	}
	if n := len(f.audit(t)); n != len(inputs) {
		t.Errorf("%d audit entries for %d runs", n, len(inputs))
	}
}

func TestRunEmptyInput(t *testing.T) {
	for _, in := range []string{"", "   ", "\n\t "} {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			f := newFixture(t, "")
			res := f.k.Run(context.Background(), kernel.Request{Input: in, Session: "work", Source: kernel.SourceCLI})
			if res.Success || res.Error != kernel.ErrEmptyInput.Error() {
				t.Errorf("got success=%v error=%q, want %q", res.Success, res.Error, kernel.ErrEmptyInput)
			}
			if sessions, err := f.db.ListSessions(context.Background()); err != nil || len(sessions) != 0 {
				t.Errorf("empty input touched sessions: %+v %v", sessions, err)
			}
		})
	}
}

func TestRunBadSessionName(t *testing.T) {
	tests := []struct {
		name, session, reason string
	}{
		{"too long", strings.Repeat("s", store.MaxSessionName+1), "too long"},
		{"control character", "work\x07bell", "control character"},
		{"blank", "   ", "empty"},
		{"invalid UTF-8", "work\xff", "UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			marker := filepath.Join(f.dir, "ran")
			res := f.k.Run(context.Background(), kernel.Request{Input: "!touch " + marker, Session: tc.session, Source: kernel.SourceCLI})
			if res.Success || !strings.Contains(res.Error, "session") || !strings.Contains(res.Error, tc.reason) {
				t.Errorf("got success=%v error=%q, want a failure naming the session and %q", res.Success, res.Error, tc.reason)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Errorf("the command ran despite the bad session name")
			}
			if res.AuditErr != nil {
				t.Fatalf("AuditErr: %v", res.AuditErr)
			}
			e := f.onlyAudit(t)
			if e.Success || e.Error != res.Error || e.TurnID != res.TurnID || e.Input != "!touch "+marker {
				t.Errorf("audit entry %+v does not record the refused run", e)
			}
			if sessions, err := f.db.ListSessions(context.Background()); err != nil || len(sessions) != 0 {
				t.Errorf("a bad name created a session: %+v %v", sessions, err)
			}
		})
	}
}

func TestRunConcurrent(t *testing.T) {
	const workers, runs = 8, 25
	ctx := context.Background()
	f := newFixture(t, "")

	results := make([][]kernel.Result, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range runs {
				results[i] = append(results[i], f.k.Run(ctx, kernel.Request{
					Input: fmt.Sprintf("remember my k%d_%d is v", i, j), Source: kernel.SourceHTTP}))
			}
		}()
	}
	wg.Wait()

	turns := map[store.TurnID]bool{}
	for i, rs := range results {
		for j, res := range rs {
			if !res.Success || res.AuditErr != nil || res.Skill != "memory" {
				t.Errorf("run %d/%d: success=%v skill=%s error=%q auditErr=%v", i, j, res.Success, res.Skill, res.Error, res.AuditErr)
			}
			turns[res.TurnID] = true
		}
	}
	if n, err := f.db.CountFacts(ctx); err != nil || n != workers*runs {
		t.Errorf("%d facts stored (err %v), want %d", n, err, workers*runs)
	}
	for i := range workers {
		for j := range runs {
			key := fmt.Sprintf("k%d_%d", i, j)
			if fact, ok, err := f.db.GetFact(ctx, "", key); err != nil || !ok || fact.Value != "v" {
				t.Errorf("fact %s: %+v ok=%v err=%v", key, fact, ok, err)
			}
		}
	}
	audit := f.audit(t)
	if len(audit) != workers*runs {
		t.Errorf("%d audit entries, want %d", len(audit), workers*runs)
	}
	for _, e := range audit {
		if !turns[e.TurnID] {
			t.Errorf("audit entry %d has turn %q, which no run returned", e.ID, e.TurnID)
		}
		delete(turns, e.TurnID)
	}
	if len(turns) != 0 {
		t.Errorf("%d runs have no audit entry of their own", len(turns))
	}
	rep, err := f.db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each memory write also commits its own record (stage start) in the
	// same transaction as the fact.
	if !rep.OK() || rep.Checked != 2*workers*runs {
		t.Errorf("VerifyAudit checked %d, problems %+v", rep.Checked, rep.Problems)
	}
}

func TestRunCancelled(t *testing.T) {
	tests := []struct {
		name    string
		session string
	}{
		{name: "anonymous"},
		{name: "named session", session: "work"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Cancel once the command is running, not after a guessed delay.
			mark := filepath.Join(t.TempDir(), "started")
			go func() {
				for ctx.Err() == nil {
					if _, err := os.Stat(mark); err == nil {
						cancel()
						return
					}
					time.Sleep(2 * time.Millisecond) // poll interval, not a guess at timing
				}
			}()
			start := time.Now()
			res := f.k.Run(ctx, kernel.Request{Input: "!: > " + mark + "; sleep 30", Session: tc.session, Source: kernel.SourceREPL})
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("Run took %s after the cancel", took)
			}
			if res.Success || !strings.Contains(res.Error, "cancelled") {
				t.Errorf("got success=%v error=%q, want a cancelled run", res.Success, res.Error)
			}
			if strings.Contains(res.Error, "could not save") {
				t.Errorf("the cancelled turn was not kept: %q", res.Error)
			}
			if res.AuditErr != nil {
				t.Fatalf("AuditErr: %v", res.AuditErr)
			}
			e := f.onlyAudit(t)
			if e.Success || !strings.Contains(e.Error, "cancelled") || e.TurnID != res.TurnID || e.Skill != "shell" {
				t.Errorf("audit entry %+v does not record the cancelled run", e)
			}
			if tc.session == "" {
				return
			}
			sess, ok, err := f.db.SessionByName(context.Background(), tc.session)
			if err != nil || !ok {
				t.Fatalf("session %s: ok=%v err=%v", tc.session, ok, err)
			}
			entries, err := f.db.RecentEntries(context.Background(), sess.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 || !strings.Contains(entries[1].Content, "cancelled") {
				t.Errorf("session holds %+v, want the cancelled turn", entries)
			}
		})
	}
}
