package skills

import (
	"context"
	"fmt"
	"strings"

	"github.com/macroa/macroa/store"
)

// MemorySkill remembers, recalls and forgets facts in the local store. It
// never calls a model and never touches the network.
type MemorySkill struct {
	DB *store.DB
	// Record, when set, gives the audit entry of a write (action says what
	// it does); the write commits in the same transaction as the entry, so
	// memory never changes without its record.
	Record func(action string) store.AuditEntry
}

// Run performs the intent's action: set, recall, search, list or forget.
func (m MemorySkill) Run(ctx context.Context, in Intent) Result {
	switch in.Action {
	case "set":
		return m.set(ctx, in.Arg("key"), in.Arg("value"))
	case "recall":
		return m.recall(ctx, in.Arg("key"), in.Arg("query"))
	case "search":
		return m.search(ctx, in.Arg("query"))
	case "list":
		return m.list(ctx)
	case "forget":
		return m.forget(ctx, in.Arg("key"))
	}
	return Fail(fmt.Sprintf("unknown memory action %q: use set, recall, search, list or forget", in.Action))
}

func (m MemorySkill) set(ctx context.Context, key, value string) Result {
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if key == "" || value == "" {
		return Fail("to remember something I need both a name and a value, e.g. \"remember my editor is helix\"")
	}
	in := store.FactInput{Namespace: "user", Key: key, Value: value, Source: "user"}
	var f store.Fact
	var err error
	if m.Record != nil {
		f, _, err = m.DB.SetFactAudited(ctx, in, m.Record(fmt.Sprintf("remember %s = %s", key, value)))
	} else {
		f, err = m.DB.SetFact(ctx, in)
	}
	if err != nil {
		return Fail(fmt.Sprintf("could not save %s: %v", key, err))
	}
	return OK("Remembered: " + FormatFact(f))
}

// recall answers "what is my X": the exact key first, then a full-text
// search. A miss is marked so a model can take over when one is configured.
func (m MemorySkill) recall(ctx context.Context, key, query string) Result {
	if key != "" {
		f, ok, err := m.DB.GetFact(ctx, "", key)
		if err != nil {
			return Fail(fmt.Sprintf("could not look up %s: %v", key, err))
		}
		if ok {
			return OK(FormatFact(f))
		}
	}
	if query == "" {
		query = key
	}
	res := m.search(ctx, query)
	return res
}

func (m MemorySkill) search(ctx context.Context, query string) Result {
	query = strings.TrimSpace(query)
	if query == "" {
		return Fail("nothing to search for")
	}
	facts, err := m.DB.SearchFacts(ctx, query, 15)
	if err != nil {
		return Fail(fmt.Sprintf("could not search memory: %v", err))
	}
	if len(facts) == 0 {
		return Result{Output: fmt.Sprintf("Nothing stored for %q.", query), Success: true, Miss: true}
	}
	return OK(formatFacts(facts, false))
}

func (m MemorySkill) list(ctx context.Context) Result {
	facts, err := m.DB.ListFacts(ctx, "", 500)
	if err != nil {
		return Fail(fmt.Sprintf("could not list memories: %v", err))
	}
	if len(facts) == 0 {
		return OK("No memories stored yet. Teach me with \"remember my editor is helix\".")
	}
	return OK(formatFacts(facts, true))
}

func (m MemorySkill) forget(ctx context.Context, key string) Result {
	if key == "" {
		return Fail("say what to forget, e.g. \"forget my editor\"")
	}
	var record func(store.Fact) store.AuditEntry
	if m.Record != nil {
		record = func(f store.Fact) store.AuditEntry { return m.Record("forget " + f.Key) }
	}
	f, ok, err := m.DB.ForgetFact(ctx, "", key, record)
	if err != nil {
		return Fail(fmt.Sprintf("could not forget %s: %v", key, err))
	}
	if !ok {
		return Result{Output: "Nothing stored under " + key + ".", Success: true, Miss: true}
	}
	return OK("Forgot: " + f.Key)
}

// FormatFact prints one fact as "key = value", marking pinned ones.
func FormatFact(f store.Fact) string {
	s := f.Key + " = " + f.Value
	if f.Pinned {
		s += " (pinned)"
	}
	return s
}

func formatFacts(facts []store.Fact, withNamespace bool) string {
	var b strings.Builder
	for i, f := range facts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("• ")
		if withNamespace && f.Namespace != "user" {
			b.WriteString("[" + f.Namespace + "] ")
		}
		b.WriteString(FormatFact(f))
	}
	return b.String()
}
