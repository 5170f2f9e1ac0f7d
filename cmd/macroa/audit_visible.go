package main

import (
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// visibleAudit shows every control character in the text fields of audit
// entries as an escape. The log is evidence of what ran: cleaning would
// drop an escape sequence's body, and with it any command hidden inside
// (`ls \x1b]0;x || touch f \x07` must not read as "ls").
func visibleAudit(entries []store.AuditEntry) []store.AuditEntry {
	for i := range entries {
		e := &entries[i]
		for _, f := range []*string{&e.Input, &e.Action, &e.Error, &e.Session, &e.Model, &e.Providers, &e.Sandbox} {
			if termsafe.NeedsEscape(*f) {
				*f = termsafe.Visible(*f)
			}
		}
	}
	return entries
}
