package store

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sampleAudit is an entry with every field set, so editing any column
// changes something the hash covers.
func sampleAudit(i int) AuditEntry {
	return AuditEntry{
		TurnID:           TurnID("turn-" + strconv.Itoa(i)),
		Time:             time.UnixMilli(1_800_000_000_000 + int64(i)*60_000),
		Session:          "work",
		Source:           "tui",
		Input:            "request number " + string(rune('A'+i)),
		Route:            "keyword",
		Skill:            []string{"shell", "chat", "memory"}[i%3],
		Tier:             []string{"nano", "mini"}[i%2],
		Model:            "gpt-5-nano",
		Success:          i%4 != 0,
		Error:            "some error",
		PromptTokens:     int64(100 + i),
		CompletionTokens: int64(50 + i),
		CostUSD:          0.000123 * float64(i+1),
		ElapsedMS:        int64(1000 + i),
		PlanSteps:        i % 3,
		Action:           "echo " + strconv.Itoa(i),
		ChosenBy:         []string{"user", "classifier"}[i%2],
		Sandbox:          []string{SandboxFull, SandboxPartial, SandboxNone, SandboxOff, SandboxSystemd}[i%5],
	}
}

// auditFixture returns a database holding n chained audit entries.
func auditFixture(t *testing.T, n int) (*DB, []AuditEntry) {
	t.Helper()
	db := openTest(t)
	var out []AuditEntry
	for i := 0; i < n; i++ {
		e, err := db.AppendAudit(context.Background(), sampleAudit(i))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return db, out
}

func TestAppendAuditChains(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() || rep.Checked != 0 {
		t.Fatalf("empty log: %+v %v", rep, err)
	}
	var prev AuditEntry
	for i := 0; i < 5; i++ {
		e, err := db.AppendAudit(ctx, sampleAudit(i))
		if err != nil {
			t.Fatal(err)
		}
		if e.ID != AuditID(i+1) || e.PrevHash != prev.Hash || len(e.Hash) != 64 {
			t.Errorf("entry %d: id=%d prev=%.8s hash=%.8s; want id %d chained to %.8s", i, e.ID, e.PrevHash, e.Hash, i+1, prev.Hash)
		}
		prev = e
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.Checked != 5 {
		t.Errorf("VerifyAudit = %+v, %v; want 5 checked, OK", rep, err)
	}

	// What comes back is what went in.
	got, err := db.RecentAudit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleAudit(4)
	want.ID, want.PrevHash, want.Hash, want.MAC, want.hashVersion = got[0].ID, got[0].PrevHash, got[0].Hash, got[0].MAC, hashV4
	if got[0] != want {
		t.Errorf("round trip:\n got %+v\nwant %+v", got[0], want)
	}
}

func TestAppendAuditFillsAndChecks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	e, err := db.AppendAudit(ctx, AuditEntry{Input: strings.Repeat("é", 1500)})
	if err != nil {
		t.Fatal(err)
	}
	if !e.Time.Equal(clock.t) {
		t.Errorf("zero Time not set to now: %v", e.Time)
	}
	if n := len([]rune(e.Input)); n != maxAuditInput {
		t.Errorf("input kept %d characters, want %d", n, maxAuditInput)
	}
	if _, err := db.AppendAudit(ctx, AuditEntry{CostUSD: math.NaN()}); err == nil {
		t.Errorf("NaN cost accepted")
	}
	// Sub-millisecond times are cut to what is stored, so the hash holds.
	if _, err := db.AppendAudit(ctx, AuditEntry{Time: time.Unix(0, 1_234_567_891)}); err != nil {
		t.Fatal(err)
	}
	if rep, _ := db.VerifyAudit(ctx); !rep.OK() {
		t.Errorf("VerifyAudit: %+v", rep.Problems)
	}
}

func TestAuditHashCoversEveryField(t *testing.T) {
	base := sampleAudit(1)
	base.ID, base.PrevHash, base.hashVersion = 7, strings.Repeat("a", 64), hashV4
	h := auditHash(base)
	changes := map[string]func(e *AuditEntry){
		"id":                func(e *AuditEntry) { e.ID++ },
		"prev_hash":         func(e *AuditEntry) { e.PrevHash = strings.Repeat("b", 64) },
		"turn_id":           func(e *AuditEntry) { e.TurnID += "x" },
		"time":              func(e *AuditEntry) { e.Time = e.Time.Add(time.Millisecond) },
		"session":           func(e *AuditEntry) { e.Session += "x" },
		"source":            func(e *AuditEntry) { e.Source += "x" },
		"input":             func(e *AuditEntry) { e.Input += "x" },
		"route":             func(e *AuditEntry) { e.Route += "x" },
		"skill":             func(e *AuditEntry) { e.Skill += "x" },
		"tier":              func(e *AuditEntry) { e.Tier += "x" },
		"model":             func(e *AuditEntry) { e.Model += "x" },
		"success":           func(e *AuditEntry) { e.Success = !e.Success },
		"error":             func(e *AuditEntry) { e.Error += "x" },
		"prompt_tokens":     func(e *AuditEntry) { e.PromptTokens++ },
		"completion_tokens": func(e *AuditEntry) { e.CompletionTokens++ },
		"cost_usd":          func(e *AuditEntry) { e.CostUSD = math.Nextafter(e.CostUSD, 1) },
		"elapsed_ms":        func(e *AuditEntry) { e.ElapsedMS++ },
		"plan_steps":        func(e *AuditEntry) { e.PlanSteps++ },
		"providers":         func(e *AuditEntry) { e.Providers += "x" },
		"llm_calls":         func(e *AuditEntry) { e.LLMCalls++ },
		"action":            func(e *AuditEntry) { e.Action += "x" },
		"chosen_by":         func(e *AuditEntry) { e.ChosenBy += "x" },
		"stage":             func(e *AuditEntry) { e.Stage += "x" },
		"sandbox":           func(e *AuditEntry) { e.Sandbox = SandboxNone },
		"sandbox blanked":   func(e *AuditEntry) { e.Sandbox = "" },
		"hash_version":      func(e *AuditEntry) { e.hashVersion = 0 },
		"hash_version v3":   func(e *AuditEntry) { e.hashVersion = hashV3 },
		// Moving a byte between adjacent fields must change the hash too.
		"boundary": func(e *AuditEntry) { e.Session, e.Source = e.Session+"t", e.Source[1:] },
	}
	for name, change := range changes {
		e := base
		change(&e)
		if auditHash(e) == h {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

func TestRecentAuditAndSince(t *testing.T) {
	ctx := context.Background()
	db, entries := auditFixture(t, 5)
	recent, err := db.RecentAudit(ctx, 2)
	if err != nil || len(recent) != 2 || recent[0].ID != 5 || recent[1].ID != 4 {
		t.Errorf("RecentAudit(2) = %v, %v; want ids 5, 4", auditIDs(recent), err)
	}
	since, err := db.AuditSince(ctx, entries[1].ID, 0)
	if err != nil || len(since) != 3 || since[0].ID != 3 || since[2].ID != 5 {
		t.Errorf("AuditSince(2) = %v, %v; want 3, 4, 5", auditIDs(since), err)
	}
	if since, _ := db.AuditSince(ctx, 2, 1); len(since) != 1 || since[0].ID != 3 {
		t.Errorf("AuditSince(2, limit 1) = %v", auditIDs(since))
	}
	if since, _ := db.AuditSince(ctx, 5, 0); len(since) != 0 {
		t.Errorf("AuditSince(last) = %v, want none", auditIDs(since))
	}
}

func TestAuditStats(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if st, err := db.AuditStats(ctx); err != nil || st.TotalRuns != 0 || len(st.BySkill) != 0 {
		t.Fatalf("empty stats = %+v, %v", st, err)
	}
	add := func(skill, tier, source, session string, ok bool, ms int64, cost float64, plan int) {
		t.Helper()
		_, err := db.AppendAudit(ctx, AuditEntry{Skill: skill, Tier: tier, Source: source, Session: session,
			Success: ok, ElapsedMS: ms, CostUSD: cost, PlanSteps: plan, PromptTokens: 10, CompletionTokens: 5})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("chat", "mini", "tui", "a", true, 100, 0.1, 0)
	add("chat", "mini", "tui", "b", false, 201, 0.2, 0)
	add("chat", "nano", "run", "", true, 300, 0.0, 2)
	add("shell", "", "run", "a", true, 10, 0, 0)
	st, err := db.AuditStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.TotalRuns != 4 || st.Failures != 1 || st.PlanCalls != 1 || st.Sessions != 2 || st.TotalTokens != 60 {
		t.Errorf("totals = %+v", st)
	}
	if math.Abs(st.TotalCostUSD-0.3) > 1e-9 {
		t.Errorf("TotalCostUSD = %v, want 0.3", st.TotalCostUSD)
	}
	if len(st.BySkill) != 2 || st.BySkill[0] != (SkillStat{Skill: "chat", Count: 3, AvgMS: 200, CostUSD: 0.3}) {
		t.Errorf("BySkill = %+v", st.BySkill)
	}
	if len(st.ByTier) != 3 || st.ByTier[0].Tier != "mini" || st.ByTier[0].Count != 2 {
		t.Errorf("ByTier = %+v", st.ByTier)
	}
	if len(st.BySource) != 2 || st.BySource[0].Count != 2 {
		t.Errorf("BySource = %+v", st.BySource)
	}
}

func auditIDs(es []AuditEntry) []AuditID {
	var out []AuditID
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// Entries keep the field list they were hashed with: v1 before schema 3
// (no providers), v2 before schema 5 (no action, chosen_by, stage), v3
// before schema 11 (no sandbox), v4 since; an append always writes v4,
// blanking a newer field breaks the hash, and so does a sandbox put on a row
// older than v4.
func TestAuditHashVersions(t *testing.T) {
	base := sampleAudit(1)
	base.Providers, base.LLMCalls, base.Action, base.ChosenBy, base.Sandbox = "", 0, "", "", ""
	tests := []struct {
		name    string
		version int
		set     func(e *AuditEntry)
		tag     string
		fields  int
	}{
		{"v1: nothing newer", 0, func(e *AuditEntry) {}, "macroa-audit-v1", 19},
		{"v2: providers", 0, func(e *AuditEntry) { e.Providers = "primary" }, "macroa-audit-v2", 21},
		{"v2: llm calls", 0, func(e *AuditEntry) { e.LLMCalls = 2 }, "macroa-audit-v2", 21},
		{"v3: empty new fields", hashV3, func(e *AuditEntry) {}, "macroa-audit-v3", 24},
		{"v3: action, chooser and stage", hashV3, func(e *AuditEntry) { e.Action, e.ChosenBy, e.Stage = "rm x", "classifier", StageStart }, "macroa-audit-v3", 24},
		{"v3: sandbox put on afterwards", hashV3, func(e *AuditEntry) { e.Sandbox = SandboxFull }, "macroa-audit-v3", 25},
		{"v1: sandbox put on afterwards", 0, func(e *AuditEntry) { e.Sandbox = SandboxFull }, "macroa-audit-v1", 20},
		{"v4: no sandbox", hashV4, func(e *AuditEntry) {}, "macroa-audit-v4", 25},
		{"v4: sandbox", hashV4, func(e *AuditEntry) { e.Sandbox = SandboxSystemd }, "macroa-audit-v4", 25},
		{"unknown version", 9, func(e *AuditEntry) {}, "macroa-audit-unknown-v9", 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			e.hashVersion = tt.version
			tt.set(&e)
			f := auditFields(e)
			if f[0] != tt.tag || len(f) != tt.fields {
				t.Errorf("fields = %s × %d, want %s × %d", f[0], len(f), tt.tag, tt.fields)
			}
		})
	}

	db := openTest(t)
	ctx := context.Background()
	e, err := db.AppendAudit(ctx, AuditEntry{Input: "tell me a joke", Providers: "primary,fallback", LLMCalls: 3,
		Action: `{"command":"echo hi"}`, ChosenBy: "classifier", Sandbox: SandboxFull})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.RecentAudit(ctx, 1)
	if err != nil || got[0].Providers != "primary,fallback" || got[0].LLMCalls != 3 || got[0].Action != `{"command":"echo hi"}` ||
		got[0].ChosenBy != "classifier" || got[0].Sandbox != SandboxFull || got[0].hashVersion != hashV4 || got[0].MAC == "" {
		t.Fatalf("not stored: %+v %v", got, err)
	}
	checkProblems(t, db)
	for _, blank := range []string{"providers = ''", "action = ''", "chosen_by = ''", "sandbox = ''", "sandbox = 'none'", "hash_version = 0", "hash_version = 3"} {
		t.Run(blank, func(t *testing.T) {
			mustExec(t, db, `UPDATE audit_log SET `+blank+` WHERE id = ?`, int64(e.ID))
			checkProblems(t, db, want{e.ID, ProblemEdited, "does not match its hash"})
			// Put the row back for the next case.
			mustExec(t, db, `UPDATE audit_log SET providers = ?, action = ?, chosen_by = ?, sandbox = ?, hash_version = ? WHERE id = ?`,
				got[0].Providers, got[0].Action, got[0].ChosenBy, got[0].Sandbox, hashV4, int64(e.ID))
			checkProblems(t, db)
		})
	}
}
