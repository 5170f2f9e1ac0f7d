package store

import "github.com/google/uuid"

// Typed IDs keep a session id from being passed where a turn id is expected.
type (
	SessionID string // a UUID v4 string
	TurnID    string // a UUID v4 string, shared by everything one request wrote
	AuditID   int64  // audit_log.id
	FactID    int64  // facts.id
)

// NewSessionID returns a fresh random session id.
func NewSessionID() SessionID { return SessionID(uuid.NewString()) }

// NewTurnID returns a fresh random turn id.
func NewTurnID() TurnID { return TurnID(uuid.NewString()) }

// isCanonicalUUID reports whether s has the 8-4-4-4-12 hex form (any case).
// uuid.Parse is not used because it also accepts braces and urn: prefixes.
func isCanonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			isHex := ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
			if !isHex {
				return false
			}
		}
	}
	return true
}
