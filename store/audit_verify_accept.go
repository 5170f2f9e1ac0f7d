package store

import (
	"fmt"
	"strconv"
)

// AuditNotice is something verify reports without calling the log
// tampered: an acceptance a person made with macroa audit accept.
type AuditNotice struct {
	EntryID AuditID // the entry that records it
	Detail  string  // a sentence for a person
}

// notices describes every acceptance entry. They are reported on every
// verify, so a rollback someone accepted stays visible for good; whether
// the entry itself is genuine is checked like any other (its MAC).
func (v *verifier) notices() []AuditNotice {
	var out []AuditNotice
	for _, e := range v.accepts {
		out = append(out, AuditNotice{EntryID: e.ID, Detail: acceptNotice(e)})
	}
	return out
}

// acceptNotice says what an acceptance entry means: which entry the log was
// accepted at, when, and what may have been lost before.
func acceptNotice(e AuditEntry) string {
	when := e.Time.Format("2006-01-02 15:04:05")
	m := acceptPattern.Get().FindStringSubmatch(e.Action)
	if m == nil {
		return fmt.Sprintf("entry %d records an acceptance of the log on %s: %q", e.ID, when, snippet(e.Action, 80))
	}
	at, _ := strconv.ParseInt(m[1], 10, 64)
	head := fmt.Sprintf("the log was accepted as it stood at entry %d on %s (entry %d)", at, when, e.ID)
	if m[2] == "" {
		return fmt.Sprintf("%s; its checkpoint was %s, so entries after %d may have been removed before that", head, m[3], at)
	}
	said, _ := strconv.ParseInt(m[2], 10, 64)
	switch {
	case said == at+1:
		return fmt.Sprintf("%s; the checkpoint recorded entry %d, which may have been removed before that", head, said)
	case said > at:
		return fmt.Sprintf("%s; the checkpoint recorded entries up to %d: entries %d-%d may have been removed before that", head, said, at+1, said)
	}
	return fmt.Sprintf("%s; entry %d was not the one the checkpoint recorded: entries from %d on may have been rewritten before that", head, said, said)
}
