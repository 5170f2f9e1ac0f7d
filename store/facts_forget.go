package store

import (
	"context"
)

// ForgetFact forgets the live fact stored under key: namespace "" looks in
// every namespace, preferring "user", as GetFact does. The deletion commits
// with the audit entry record returns for the fact found (record nil
// deletes without one). ok is false, and nothing is written, when no live
// fact has that key. Every front end (the memory skill, `macroa memory
// forget`) forgets through here.
func (db *DB) ForgetFact(ctx context.Context, namespace, key string, record func(Fact) AuditEntry) (f Fact, ok bool, err error) {
	f, ok, err = db.GetFact(ctx, namespace, key)
	if err != nil || !ok {
		return Fact{}, false, err
	}
	if record == nil {
		ok, err = db.DeleteFact(ctx, f.Namespace, f.Key)
	} else {
		ok, _, err = db.DeleteFactAudited(ctx, f.Namespace, f.Key, record(f))
	}
	if err != nil {
		return Fact{}, false, err
	}
	return f, ok, nil
}
