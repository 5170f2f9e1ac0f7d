package store

import (
	"context"
	"testing"
)

// The probe's data_version moves when another connection commits, in this
// handle's pool or in another handle on the same file, and stays put
// otherwise; the marks say which part moved.
func TestChangeProbe(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p, err := db.OpenChangeProbe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v0, err := p.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m0, err := p.Marks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.DataVersion(ctx); v != v0 {
		t.Fatalf("data_version moved with no commit: %d -> %d", v0, v)
	}
	for _, tc := range []struct {
		name  string
		write func() error
		moved func(old, cur ChangeMarks) bool
	}{
		{"same handle: session", func() error { _, err := db.EnsureSession(ctx, "s"); return err },
			func(o, c ChangeMarks) bool { return o.Sessions != c.Sessions && o.Facts == c.Facts }},
		{"other handle: fact", func() error { _, err := other.SetFact(ctx, FactInput{Key: "k", Value: "v"}); return err },
			func(o, c ChangeMarks) bool { return o.Facts != c.Facts && o.Sessions == c.Sessions }},
		{"other handle: audit", func() error {
			_, err := other.AppendAudit(ctx, AuditEntry{TurnID: NewTurnID(), Source: "cli", Input: "x", Success: true})
			return err
		}, func(o, c ChangeMarks) bool { return o.Audit != c.Audit && o.Facts == c.Facts }},
	} {
		if err := tc.write(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		v, err := p.DataVersion(ctx)
		if err != nil || v == v0 {
			t.Fatalf("%s: data_version %d after %d (%v)", tc.name, v, v0, err)
		}
		m, err := p.Marks(ctx)
		if err != nil || !tc.moved(m0, m) {
			t.Fatalf("%s: marks %+v -> %+v (%v)", tc.name, m0, m, err)
		}
		v0, m0 = v, m
	}
}
