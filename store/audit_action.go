package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"unicode/utf8"
)

// maxAuditAction is how much of an action the audit log keeps, in
// characters. It is far above the input's cap because the action is what
// ran: a command padded past a small cap could hide its tail.
const maxAuditAction = 16000

// capAction keeps an action whole when it fits; a longer one keeps its
// start and says how long it was and its sha256, so the full text can
// still be matched against what ran.
func capAction(s string) string {
	if utf8.RuneCountInString(s) <= maxAuditAction {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return truncateRunes(s, maxAuditAction) + fmt.Sprintf(" … [cut: %d characters in all, sha256 %s]",
		utf8.RuneCountInString(s), hex.EncodeToString(sum[:]))
}
