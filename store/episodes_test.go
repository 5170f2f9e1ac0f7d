package store

import (
	"context"
	"fmt"
	"testing"
)

func TestEpisodes(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s, err := db.EnsureSession(ctx, "long")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := db.AppendEntries(ctx, s.ID, Entry{Role: RoleUser, Content: fmt.Sprint("q", i)}, Entry{Role: RoleAssistant, Content: fmt.Sprint("a", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// 20 entries; keeping the newest 6 leaves 14 to compact.
	old, err := db.UncompactedBefore(ctx, s.ID, 6)
	if err != nil || len(old) != 14 || old[0].Content != "q0" || old[13].Content != "a6" {
		t.Fatalf("got %d entries (%v)", len(old), err)
	}
	if err := db.AddEpisode(ctx, s.ID, "the first seven turns", old[0].ID, old[13].ID); err != nil {
		t.Fatal(err)
	}
	if rest, err := db.UncompactedBefore(ctx, s.ID, 6); err != nil || len(rest) != 0 {
		t.Fatalf("covered entries offered again: %d (%v)", len(rest), err)
	}
	if err := db.AppendEntries(ctx, s.ID, Entry{Role: RoleUser, Content: "q10"}, Entry{Role: RoleAssistant, Content: "a10"}); err != nil {
		t.Fatal(err)
	}
	if rest, err := db.UncompactedBefore(ctx, s.ID, 6); err != nil || len(rest) != 2 || rest[0].Content != "q7" {
		t.Fatalf("want the two entries that just left the window, got %+v (%v)", rest, err)
	}
	if err := db.AddEpisode(ctx, s.ID, "", 1, 2); err == nil {
		t.Error("an empty summary was stored")
	}
	eps, err := db.RecentEpisodes(ctx, s.ID, 4)
	if err != nil || len(eps) != 1 || eps[0].Summary != "the first seven turns" {
		t.Fatalf("episodes = %+v (%v)", eps, err)
	}
	if _, err := db.DeleteSession(ctx, "long"); err != nil {
		t.Fatal(err)
	}
	if eps, _ := db.RecentEpisodes(ctx, s.ID, 4); len(eps) != 0 {
		t.Fatal("episodes outlived their session")
	}
}
