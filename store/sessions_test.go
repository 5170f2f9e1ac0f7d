package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestValidateSessionName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // "" = valid
	}{
		{"work", ""},
		{"  padded  ", ""},
		{"ünïcødé 会话", ""},
		{strings.Repeat("x", 64), ""},
		{"", "empty"},
		{"   ", "empty"},
		{strings.Repeat("x", 65), "too long"},
		{"two\nlines", "control character"},
		{"tab\there", "control character"},
		{"bell\a", "control character"},
		{"bad\xffutf8", "UTF-8"},
	}
	for _, tt := range tests {
		err := ValidateSessionName(tt.name)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ValidateSessionName(%q) = %v, want ok", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ValidateSessionName(%q) = %v, want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestSessionLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)

	work, err := db.EnsureSession(ctx, "work")
	if err != nil {
		t.Fatal(err)
	}
	if !isCanonicalUUID(string(work.ID)) || work.Name != "work" || work.TurnCount != 0 {
		t.Fatalf("new session = %+v", work)
	}
	again, err := db.EnsureSession(ctx, " work ")
	if err != nil || again.ID != work.ID {
		t.Errorf("EnsureSession twice gave %+v, %v; want the same session", again, err)
	}
	byID, err := db.EnsureSession(ctx, strings.ToUpper(string(work.ID)))
	if err != nil || byID.ID != work.ID {
		t.Errorf("EnsureSession(its UUID) = %+v, %v; want the same session", byID, err)
	}
	// A UUID that is nobody's id is just a name.
	stranger := string(NewSessionID())
	s, err := db.EnsureSession(ctx, stranger)
	if err != nil || s.Name != stranger || string(s.ID) == stranger {
		t.Errorf("EnsureSession(unknown UUID) = %+v, %v", s, err)
	}
	if _, err := db.EnsureSession(ctx, "bad\nname"); err == nil {
		t.Errorf("EnsureSession accepted a name with a newline")
	}

	clock.advance(time.Minute)
	if _, err := db.EnsureSession(ctx, "home"); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListSessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Name != "home" {
		t.Errorf("ListSessions = %v, want 3 with home (newest) first", sessionNames(list))
	}

	// Rename: missing, taken, fine.
	if err := db.RenameSession(ctx, "nope", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("rename missing = %v, want ErrNotFound", err)
	}
	if err := db.RenameSession(ctx, "work", "home"); !errors.Is(err, ErrNameTaken) || !strings.Contains(err.Error(), `"home"`) {
		t.Errorf("rename to a taken name = %v, want ErrNameTaken naming it", err)
	}
	if err := db.RenameSession(ctx, "work", ""); err == nil {
		t.Errorf("rename to an empty name succeeded")
	}
	if err := db.RenameSession(ctx, "work", "job"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.SessionByName(ctx, "work"); ok {
		t.Errorf("old name still resolves")
	}
	if got, ok, _ := db.SessionByName(ctx, "job"); !ok || got.ID != work.ID {
		t.Errorf("new name does not resolve to the same session")
	}
	if err := db.RenameSession(ctx, "job", "job"); err != nil {
		t.Errorf("renaming to the same name: %v", err)
	}

	// Delete cascades the conversation.
	if err := db.AppendEntries(ctx, work.ID, Entry{Role: RoleUser, Content: "hi"}, Entry{Role: RoleAssistant, Content: "hello"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.DeleteSession(ctx, "job"); !ok || err != nil {
		t.Fatalf("DeleteSession = %v, %v", ok, err)
	}
	var left int
	db.sql.QueryRow(`SELECT count(*) FROM context_entries WHERE session_id = ?`, string(work.ID)).Scan(&left)
	if left != 0 {
		t.Errorf("%d entries survived their session (no cascade)", left)
	}
	if ok, _ := db.DeleteSession(ctx, "job"); ok {
		t.Errorf("deleting twice reported true")
	}
	if err := db.AppendEntries(ctx, work.ID, Entry{Role: RoleUser, Content: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("append to a deleted session = %v, want ErrNotFound", err)
	}
}

func TestAppendAndRecentEntries(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	s, err := db.EnsureSession(ctx, "chat")
	if err != nil {
		t.Fatal(err)
	}
	// 30 turns: a user and an assistant entry each, more than any window.
	for i := 0; i < 30; i++ {
		clock.advance(time.Second)
		turn := NewTurnID()
		err := db.AppendEntries(ctx, s.ID,
			Entry{TurnID: turn, Role: RoleUser, Content: "q" + strconv.Itoa(i)},
			Entry{TurnID: turn, Role: RoleAssistant, Content: "a" + strconv.Itoa(i), Skill: "chat", Pinned: i == 0})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AppendEntries(ctx, s.ID, Entry{Role: RoleSystem, Content: "note"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := db.SessionByName(ctx, "chat")
	if got.TurnCount != 30 {
		t.Errorf("turn_count = %d, want 30 (every user turn, no cap)", got.TurnCount)
	}
	if !got.UpdatedAt.Equal(clock.t) {
		t.Errorf("updated_at = %v, want %v", got.UpdatedAt, clock.t)
	}

	last, err := db.RecentEntries(ctx, s.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 3 || last[0].Content != "q29" || last[1].Content != "a29" || last[2].Content != "note" {
		t.Errorf("RecentEntries(3) = %v, want q29 a29 note (oldest first)", contents(last))
	}
	if last[1].Skill != "chat" || last[1].Role != RoleAssistant || last[1].TurnID != last[0].TurnID || last[1].SessionID != s.ID {
		t.Errorf("fields not kept: %+v", last[1])
	}
	all, _ := db.RecentEntries(ctx, s.ID, 0)
	if len(all) != 61 || all[0].Content != "q0" || !all[1].Pinned {
		t.Errorf("RecentEntries(0) returned %d entries starting %v", len(all), contents(all[:2]))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Fatalf("entries out of order at %d", i)
		}
	}

	// Appending never rewrites: earlier rows keep their ids.
	firstID := all[0].ID
	db.AppendEntries(ctx, s.ID, Entry{Role: RoleUser, Content: "more"})
	all2, _ := db.RecentEntries(ctx, s.ID, 0)
	if all2[0].ID != firstID || len(all2) != 62 {
		t.Errorf("append rewrote the conversation")
	}

	if err := db.AppendEntries(ctx, s.ID, Entry{Role: "robot", Content: "x"}); err == nil {
		t.Errorf("unknown role accepted")
	}
	if all3, _ := db.RecentEntries(ctx, s.ID, 0); len(all3) != 62 {
		t.Errorf("a rejected batch left rows behind")
	}

	if err := db.ClearSession(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := db.RecentEntries(ctx, s.ID, 0); len(left) != 0 {
		t.Errorf("ClearSession left %d entries", len(left))
	}
	if kept, ok, _ := db.SessionByName(ctx, "chat"); !ok || kept.TurnCount != 31 {
		t.Errorf("ClearSession should keep the session and its turn count: %+v %v", kept, ok)
	}
	if err := db.ClearSession(ctx, NewSessionID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("ClearSession(unknown) = %v, want ErrNotFound", err)
	}
}

func TestEnsureSessionRace(t *testing.T) {
	db := openTest(t)
	ids := make(chan SessionID, 8)
	for i := 0; i < cap(ids); i++ {
		go func() {
			s, err := db.EnsureSession(context.Background(), "shared")
			if err != nil {
				t.Error(err)
			}
			ids <- s.ID
		}()
	}
	first := <-ids
	for i := 1; i < cap(ids); i++ {
		if id := <-ids; id != first {
			t.Errorf("concurrent EnsureSession made two sessions: %s and %s", first, id)
		}
	}
}

func sessionNames(ss []Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func contents(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Content)
	}
	return out
}
