package store

import (
	"context"
	"strconv"
	"testing"
	"time"
)

func TestSetFactUpsertKeepsCreatedAtAndPinned(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)

	first, err := db.SetFact(ctx, FactInput{Key: "editor", Value: "vim", Pinned: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if first.Namespace != "user" || first.Source != "user" || first.Confidence != 1.0 || !first.Pinned {
		t.Fatalf("defaults not applied: %+v", first)
	}
	clock.advance(time.Hour)
	second, err := db.SetFact(ctx, FactInput{Key: "editor", Value: "helix", Confidence: 0.7, Source: "extracted"})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID {
		t.Errorf("upsert changed the id: %d -> %d", first.ID, second.ID)
	}
	if !second.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("created_at changed: %v -> %v", first.CreatedAt, second.CreatedAt)
	}
	if !second.UpdatedAt.Equal(clock.t) {
		t.Errorf("updated_at = %v, want %v", second.UpdatedAt, clock.t)
	}
	if !second.Pinned {
		t.Errorf("re-setting a pinned fact with Pinned=nil unpinned it (spec defect 10)")
	}
	if second.Value != "helix" || second.Confidence != 0.7 || second.Source != "extracted" {
		t.Errorf("fields not overwritten: %+v", second)
	}
	third, err := db.SetFact(ctx, FactInput{Key: "editor", Value: "helix", Pinned: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	if third.Pinned {
		t.Errorf("explicit Pinned=false did not unpin")
	}
	if n, _ := db.CountFacts(ctx); n != 1 {
		t.Errorf("CountFacts = %d, want 1", n)
	}
}

func TestSetFactRejectsBadInput(t *testing.T) {
	db := openTest(t)
	for _, in := range []FactInput{
		{Key: "", Value: "x"},
		{Key: "   ", Value: "x"},
		{Key: "k", Value: ""},
		{Key: "k", Value: " \n"},
		{Key: "k", Value: "v", Confidence: 1.5},
		{Key: "k", Value: "v", Confidence: -0.1},
	} {
		if _, err := db.SetFact(context.Background(), in); err == nil {
			t.Errorf("SetFact(%+v) succeeded, want an error", in)
		}
	}
}

func TestExpiredFactsAreInvisible(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	if _, err := db.SetFact(ctx, FactInput{Key: "wifi_password", Value: "hunter2", ExpiresAt: clock.t.Add(time.Minute), Pinned: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetFact(ctx, FactInput{Key: "city", Value: "Lisbon"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.GetFact(ctx, "", "wifi_password"); !ok {
		t.Fatal("fact not visible before expiry")
	}
	clock.advance(time.Minute) // expires_at <= now is expired

	if _, ok, err := db.GetFact(ctx, "", "wifi_password"); ok || err != nil {
		t.Errorf("GetFact after expiry: ok=%v err=%v", ok, err)
	}
	if _, ok, _ := db.GetFact(ctx, "user", "wifi_password"); ok {
		t.Errorf("GetFact with namespace returned an expired fact")
	}
	for _, q := range []string{"wifi password", "hunter2", "unter"} { // FTS and LIKE paths
		got, err := db.SearchFacts(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("SearchFacts(%q) returned expired facts: %+v", q, got)
		}
	}
	list, _ := db.ListFacts(ctx, "", 0)
	if len(list) != 1 || list[0].Key != "city" {
		t.Errorf("ListFacts = %+v, want only city", list)
	}
	if n, _ := db.CountFacts(ctx); n != 1 {
		t.Errorf("CountFacts = %d, want 1", n)
	}
	if ok, _ := db.SetPinned(ctx, "", "wifi_password", true); ok {
		t.Errorf("SetPinned found an expired fact")
	}

	// Setting an expired fact again starts afresh: new created_at, unpinned.
	again, err := db.SetFact(ctx, FactInput{Key: "wifi_password", Value: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if !again.CreatedAt.Equal(clock.t) || again.Pinned || !again.ExpiresAt.IsZero() {
		t.Errorf("re-set expired fact = %+v, want fresh, unpinned, no expiry", again)
	}

	if _, err := db.SetFact(ctx, FactInput{Key: "otp", Value: "123456", ExpiresAt: clock.t.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Hour)
	if n, err := db.PurgeExpired(ctx); err != nil || n != 1 {
		t.Errorf("PurgeExpired = %d, %v; want 1", n, err)
	}
	var rows int
	db.sql.QueryRow(`SELECT count(*) FROM facts`).Scan(&rows)
	if rows != 2 {
		t.Errorf("rows after purge = %d, want 2", rows)
	}
}

func TestSearchFacts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	facts := []FactInput{
		{Key: "server_ip", Value: "10.0.0.1"},
		{Key: "dog_name", Value: "Rex"},
		{Key: "discount", Value: "50% off at the bakery"},
		{Key: "qaz", Value: "keyboard row"},
		{Key: "axb", Value: "plain"},
		{Key: "running_shoes", Value: "Nike Pegasus", Confidence: 0.6},
		{Key: "gym", Value: "goes running on Mondays", Confidence: 0.9},
	}
	for _, f := range facts {
		clock.advance(time.Second)
		if _, err := db.SetFact(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query string
		want  []string // keys in order; nil = no results
	}{
		{"what is my server IP", []string{"server_ip"}}, // the tokenizer splits server_ip
		{"server IP", []string{"server_ip"}},
		{"SERVER", []string{"server_ip"}},
		{"serv", []string{"server_ip"}},                 // prefix
		{"10.0.0.1", []string{"server_ip"}},             // a phrase of number tokens
		{"what's my dog's name?", []string{"dog_name"}}, // punctuation stripped
		{"Pegasus!", []string{"running_shoes"}},
		// Substring fallback (FTS finds nothing), with % and _ literal:
		{"50%", []string{"discount"}},
		{"5%f", nil},                       // unescaped, %5%f% would match "50% off"
		{"q_z", nil},                       // unescaped, %q_z% would match "qaz"
		{"x", []string{"axb", "dog_name"}}, // one letter: newest first
		{"_", []string{"dog_name", "server_ip", "running_shoes"}}, // by confidence, then newest
		{"zebra", nil},
	}
	for _, tt := range tests {
		got, err := db.SearchFacts(ctx, tt.query, 10)
		if err != nil {
			t.Errorf("SearchFacts(%q): %v", tt.query, err)
			continue
		}
		if !sameKeys(got, tt.want) {
			t.Errorf("SearchFacts(%q) = %v, want %v", tt.query, keys(got), tt.want)
		}
	}

	// Ranking: the key hit (running_shoes) beats a value-only hit, even at
	// lower confidence, because key matches weigh double.
	got, _ := db.SearchFacts(ctx, "running", 10)
	if len(got) != 2 || got[0].Key != "running_shoes" {
		t.Errorf("SearchFacts(running) = %v, want running_shoes first of 2", keys(got))
	}
	if got, _ := db.SearchFacts(ctx, "running", 1); len(got) != 1 {
		t.Errorf("limit 1 returned %d facts", len(got))
	}
}

func TestSearchFactsOddCharactersDoNotError(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.SetFact(ctx, FactInput{Key: "server_ip", Value: "10.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`"`, `""`, `"server`, `server"`, `*`, `server*`, `*server`, `-server`, `server -ip`,
		`key:server`, `value:`, `:`, `(server`, `server)`, `^server`, `NEAR(server ip)`,
		`server AND`, `OR`, `NOT ip`, `{key}: server`, `[x]`, `'`, `\`, `%`, `_`, `%_\`,
		"server\x00ip", `ⓢⓔⓡⓥⓔⓡ`, `服务器 IP`, `+`, `~`, `server~ip`, `a b c d e f g h i j k l m`,
	} {
		if _, err := db.SearchFacts(ctx, q, 5); err != nil {
			t.Errorf("SearchFacts(%q): %v", q, err)
		}
	}
	got, err := db.SearchFacts(ctx, `"server" -ip:* (what)`, 5)
	if err != nil || len(got) != 1 {
		t.Errorf("query with syntax chars: %v, %v; want server_ip", keys(got), err)
	}
}

func TestFTSQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"what is my server IP", `"server"* OR "ip"`},
		{"what is my", `"what"* OR "is" OR "my"`}, // only stop words: keep them
		{`"quoted" * -neg key:val`, `"quoted"* OR "neg"* OR "key"* OR "val"*`},
		{"a b c", ""},
		{"server_ip", `"server_ip"*`},
		{"1 2 3 4 5 6 7 8 9 10 11", `"10" OR "11"`},
		{"one two three four five six seven eight nine ten", `"one"* OR "two"* OR "three"* OR "four"* OR "five"* OR "six"* OR "seven"* OR "eight"*`},
	}
	for _, tt := range tests {
		if got := ftsQuery(tt.in); got != tt.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestFactNamespaces(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	mustSet := func(ns, k, v string) {
		t.Helper()
		clock.advance(time.Second)
		if _, err := db.SetFact(ctx, FactInput{Namespace: ns, Key: k, Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	mustSet("work", "editor", "vscode")
	mustSet("", "editor", "vim") // "" = user
	mustSet("work", "laptop", "thinkpad")

	f, ok, err := db.GetFact(ctx, "", "editor")
	if err != nil || !ok || f.Namespace != "user" || f.Value != "vim" {
		t.Errorf("GetFact(all, editor) = %+v %v %v; want user's vim", f, ok, err)
	}
	f, ok, _ = db.GetFact(ctx, "work", "editor")
	if !ok || f.Value != "vscode" {
		t.Errorf("GetFact(work, editor) = %+v; want vscode", f)
	}
	f, ok, _ = db.GetFact(ctx, "", "laptop")
	if !ok || f.Namespace != "work" {
		t.Errorf("GetFact(all, laptop) = %+v; want the work fact", f)
	}
	if _, ok, _ := db.GetFact(ctx, "user", "laptop"); ok {
		t.Errorf("GetFact(user, laptop) found the work fact")
	}
	if _, ok, _ := db.GetFact(ctx, "", "Editor"); ok {
		t.Errorf("keys should be case-sensitive")
	}
	if l, _ := db.ListFacts(ctx, "work", 0); len(l) != 2 {
		t.Errorf("ListFacts(work) = %v", keys(l))
	}
	if l, _ := db.ListFacts(ctx, "", 0); len(l) != 3 {
		t.Errorf("ListFacts(all) = %v", keys(l))
	}
}

func TestListFactsOrder(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	for _, k := range []string{"a", "b", "c", "d"} {
		clock.advance(time.Second)
		if _, err := db.SetFact(ctx, FactInput{Key: k, Value: "v"}); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := db.SetPinned(ctx, "", "b", true); !ok || err != nil {
		t.Fatalf("SetPinned: %v %v", ok, err)
	}
	got, _ := db.ListFacts(ctx, "", 0)
	if want := []string{"b", "d", "c", "a"}; !sameKeys(got, want) {
		t.Errorf("ListFacts = %v, want %v (pinned first, then newest)", keys(got), want)
	}
	if got, _ := db.ListFacts(ctx, "", 2); !sameKeys(got, []string{"b", "d"}) {
		t.Errorf("ListFacts limit 2 = %v", keys(got))
	}
	if ok, _ := db.SetPinned(ctx, "", "missing", true); ok {
		t.Errorf("SetPinned on a missing fact reported true")
	}
}

func TestDeleteFact(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.SetFact(ctx, FactInput{Key: "server_ip", Value: "10.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.DeleteFact(ctx, "work", "server_ip"); ok || err != nil {
		t.Errorf("delete in the wrong namespace: %v %v", ok, err)
	}
	if ok, err := db.DeleteFact(ctx, "", "server_ip"); !ok || err != nil {
		t.Errorf("DeleteFact = %v %v, want true", ok, err)
	}
	if ok, _ := db.DeleteFact(ctx, "", "server_ip"); ok {
		t.Errorf("second delete reported true")
	}
	// The FTS index must forget it too (the delete trigger).
	if got, _ := db.SearchFacts(ctx, "server", 5); len(got) != 0 {
		t.Errorf("deleted fact still found: %v", keys(got))
	}
	var ftsRows int
	db.sql.QueryRow(`SELECT count(*) FROM facts_fts WHERE facts_fts MATCH 'server'`).Scan(&ftsRows)
	if ftsRows != 0 {
		t.Errorf("facts_fts still has %d rows for the deleted fact", ftsRows)
	}
}

func TestFTSFollowsUpdates(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for _, v := range []string{"Paris", "Lisbon"} {
		if _, err := db.SetFact(ctx, FactInput{Key: "city", Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.SearchFacts(ctx, "paris", 5); len(got) != 0 {
		t.Errorf("old value still indexed: %v", keys(got))
	}
	if got, _ := db.SearchFacts(ctx, "lisbon", 5); len(got) != 1 {
		t.Errorf("new value not indexed: %v", keys(got))
	}
	// The index and the table agree (FTS5's own consistency check).
	if _, err := db.sql.Exec(`INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("FTS integrity check: %v", err)
	}
}

func keys(fs []Fact) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

func sameKeys(fs []Fact, want []string) bool {
	got := keys(fs)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestSearchRanksPastExpiredRows: when more expired facts than the search
// pre-cut outrank a live one, the live one must still be found by FTS.
func TestSearchRanksPastExpiredRows(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	for i := 0; i < 50; i++ {
		_, err := db.SetFact(ctx, FactInput{Key: "coffee_" + strconv.Itoa(i), Value: "coffee coffee coffee", ExpiresAt: clock.t.Add(time.Second)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SetFact(ctx, FactInput{Key: "drink", Value: "a long note that mentions coffee only once among many other words"}); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	// "coffees" stems to the same term, but is no substring of "coffee",
	// so only the FTS path can find it.
	got, err := db.SearchFacts(ctx, "coffees", 5)
	if err != nil || !sameKeys(got, []string{"drink"}) {
		t.Errorf("SearchFacts(coffees) = %v, %v; want [drink]", keys(got), err)
	}
}

func TestSeedFacts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := SeedFacts(ctx, db, 1000); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountFacts(ctx); n != 1001 {
		t.Errorf("CountFacts = %d, want 1001", n)
	}
	if f, ok, _ := db.GetFact(ctx, "", "server_ip"); !ok || f.Value != "10.0.0.1" {
		t.Errorf("server_ip = %+v, %v", f, ok)
	}
	if got, _ := db.SearchFacts(ctx, "what is my server IP", 8); len(got) == 0 || got[0].Key != "server_ip" {
		t.Errorf("search in seeded data = %v, want server_ip first", keys(got))
	}
	// Seeding again is harmless (same keys, updated in place).
	if err := SeedFacts(ctx, db, 1000); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountFacts(ctx); n != 1001 {
		t.Errorf("after reseeding CountFacts = %d, want 1001", n)
	}
	if _, err := db.sql.Exec(`INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("FTS integrity check after seeding: %v", err)
	}
}
