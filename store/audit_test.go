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
	want.ID, want.PrevHash, want.Hash = got[0].ID, got[0].PrevHash, got[0].Hash
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
	base.ID, base.PrevHash = 7, strings.Repeat("a", 64)
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

// Entries written before schema 3 hash without providers and llm_calls; new
// entries hash with them, and blanking them afterwards is an edit.
func TestAuditV2FieldsInHash(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	old, err := db.AppendAudit(ctx, AuditEntry{Input: "!echo old", Source: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	v1 := auditFieldsV1(old)
	if old.Hash != auditHash(old) || v1[0] != "macroa-audit-v1" || len(auditFields(old)) != len(v1) {
		t.Fatal("an entry without providers must hash as v1")
	}
	e, err := db.AppendAudit(ctx, AuditEntry{Input: "tell me a joke", Providers: "primary,fallback", LLMCalls: 3})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.RecentAudit(ctx, 1)
	if err != nil || got[0].Providers != "primary,fallback" || got[0].LLMCalls != 3 {
		t.Fatalf("providers not stored: %+v %v", got, err)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	mustExec(t, db, `UPDATE audit_log SET providers = '' WHERE id = ?`, int64(e.ID))
	rep, err = db.VerifyAudit(ctx)
	if err != nil || rep.OK() || rep.Problems[0].EntryID != e.ID {
		t.Fatalf("blanking providers was not detected: %+v %v", rep, err)
	}
}
