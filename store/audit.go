package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// maxAuditInput is how much of a request's input the audit log keeps, in
// characters; a pasted file should not bloat every audit query.
const maxAuditInput = 1000

// AuditEntry is one row of the audit log: one request, whatever served it.
type AuditEntry struct {
	ID               AuditID
	TurnID           TurnID
	Time             time.Time // stored to the millisecond; zero on append = now
	Session          string
	Source           string // tui, repl, run, http, scheduler, autonomy...
	Input            string // cut to 1000 characters; callers redact secrets first
	Route            string
	Skill            string
	Tier             string
	Model            string
	Success          bool
	Error            string
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
	ElapsedMS        int64
	PlanSteps        int
	Providers        string // every provider tried for the turn, comma-separated, in order
	LLMCalls         int    // model requests sent, retries and fallbacks included
	PrevHash         string // Hash of the entry before; "" for the first
	Hash             string // sha256 over PrevHash and every other field
}

const auditCols = `id, turn_id, created_at, session, source, input, route, skill, tier, model,
	success, error, prompt_tokens, completion_tokens, cost_usd, elapsed_ms, plan_steps, prev_hash, hash,
	providers, llm_calls`

// scanAudit reads one audit row. It is lenient on purpose: a row edited
// with another SQLite client may hold a value of the wrong type (text in an
// integer column, success = 7). Such a row is still returned, with the odd
// value in a form that cannot hash correctly, and wellFormed = false, so
// VerifyAudit reports it instead of failing.
func scanAudit(r rowScanner) (e AuditEntry, wellFormed bool, err error) {
	var v [21]any
	ptrs := make([]any, len(v))
	for i := range v {
		ptrs[i] = &v[i]
	}
	if err := r.Scan(ptrs...); err != nil {
		return AuditEntry{}, false, err
	}
	c := columnReader{ok: true}
	e.ID = AuditID(c.int(v[0]))
	e.TurnID = TurnID(c.str(v[1]))
	e.Time = time.UnixMilli(c.int(v[2]))
	e.Session, e.Source, e.Input = c.str(v[3]), c.str(v[4]), c.str(v[5])
	e.Route, e.Skill, e.Tier, e.Model = c.str(v[6]), c.str(v[7]), c.str(v[8]), c.str(v[9])
	switch success := c.int(v[10]); success {
	case 0, 1:
		e.Success = success == 1
	default:
		c.ok = false
	}
	e.Error = c.str(v[11])
	e.PromptTokens, e.CompletionTokens = c.int(v[12]), c.int(v[13])
	e.CostUSD = c.float(v[14])
	e.ElapsedMS, e.PlanSteps = c.int(v[15]), int(c.int(v[16]))
	e.PrevHash, e.Hash = c.str(v[17]), c.str(v[18])
	e.Providers, e.LLMCalls = c.str(v[19]), int(c.int(v[20]))
	return e, c.ok, nil
}

// columnReader converts raw column values, noting any of an unexpected type.
type columnReader struct{ ok bool }

func (c *columnReader) int(v any) int64 {
	if n, ok := v.(int64); ok {
		return n
	}
	c.ok = false
	return 0
}

func (c *columnReader) float(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x) // REAL affinity normally prevents this
	}
	c.ok = false
	return 0
}

func (c *columnReader) str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	c.ok = false
	return fmt.Sprint(v)
}

// AppendAudit adds an entry at the end of the hash chain and returns it with
// ID, Time, PrevHash and Hash filled in. It runs in one BEGIN IMMEDIATE
// transaction (read the head, insert, move the head), so appends from several
// processes are serialised and the chain never forks.
func (db *DB) AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	if math.IsNaN(e.CostUSD) || math.IsInf(e.CostUSD, 0) {
		return AuditEntry{}, fmt.Errorf("append audit entry: cost %v is not a number", e.CostUSD)
	}
	if e.Time.IsZero() {
		e.Time = db.now()
	}
	e.Time = time.UnixMilli(e.Time.UnixMilli()) // what the database keeps, so the hash matches
	e.Input = truncateRunes(e.Input, maxAuditInput)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var lastID int64
		err := tx.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&lastID, &e.PrevHash)
		if errors.Is(err, sql.ErrNoRows) {
			// Re-creating it would hide whatever removed it; say so instead.
			return errors.New("the audit chain head is missing (the log was tampered with); run the audit verify command")
		}
		if err != nil {
			return err
		}
		// Never reuse an id: not one past the head (rows may have been
		// deleted, which verify must still see) nor a forged row's.
		var maxID int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_log`).Scan(&maxID); err != nil {
			return err
		}
		e.ID = AuditID(max(lastID, maxID) + 1)
		e.Hash = auditHash(e)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(e.ID), string(e.TurnID), e.Time.UnixMilli(), e.Session, e.Source, e.Input, e.Route,
			e.Skill, e.Tier, e.Model, boolInt(e.Success), e.Error, e.PromptTokens, e.CompletionTokens,
			e.CostUSD, e.ElapsedMS, e.PlanSteps, e.PrevHash, e.Hash, e.Providers, e.LLMCalls)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1`, int64(e.ID), e.Hash)
		return err
	})
	if err != nil {
		return AuditEntry{}, fmt.Errorf("append audit entry: %w", err)
	}
	return e, nil
}

// auditHash is the entry's chain hash: sha256, in hex, over every field,
// each written as its length, ':', its bytes. The length prefix makes the
// encoding unambiguous ("ab"+"c" differs from "a"+"bc"), and including id and
// prev_hash ties each entry to its place in the chain.
func auditHash(e AuditEntry) string {
	h := sha256.New()
	for _, f := range auditFields(e) {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// auditFields lists what the hash covers, in a fixed order. Changing it
// changes every hash: bump the version tag and keep the old order for old rows.
// v2 adds providers and llm_calls; an entry with neither (every entry
// written before schema 3) still hashes as v1, so old chains stay valid,
// while a v2 entry whose new fields are blanked no longer matches its hash.
func auditFields(e AuditEntry) []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	fields := auditFieldsV1(e)
	if e.Providers != "" || e.LLMCalls != 0 {
		fields[0] = "macroa-audit-v2"
		fields = append(fields, e.Providers, i(int64(e.LLMCalls)))
	}
	return fields
}

func auditFieldsV1(e AuditEntry) []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []string{
		"macroa-audit-v1",
		i(int64(e.ID)),
		e.PrevHash,
		string(e.TurnID),
		i(e.Time.UnixMilli()),
		e.Session,
		e.Source,
		e.Input,
		e.Route,
		e.Skill,
		e.Tier,
		e.Model,
		i(boolInt(e.Success)),
		e.Error,
		i(e.PromptTokens),
		i(e.CompletionTokens),
		strconv.FormatFloat(e.CostUSD, 'g', -1, 64), // shortest form that round-trips
		i(e.ElapsedMS),
		i(int64(e.PlanSteps)),
	}
}

// RecentAudit returns the newest n entries, newest first (n <= 0: all).
func (db *DB) RecentAudit(ctx context.Context, n int) ([]AuditEntry, error) {
	rows, err := db.sql.QueryContext(ctx,
		`SELECT `+auditCols+` FROM audit_log ORDER BY id DESC LIMIT ?`, sqlLimit(n))
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return scanAudits(rows)
}

// AuditSince returns entries with an id above afterID, oldest first, for a
// live tail: pass the last id seen to get only what is new (limit <= 0: all).
func (db *DB) AuditSince(ctx context.Context, afterID AuditID, limit int) ([]AuditEntry, error) {
	rows, err := db.sql.QueryContext(ctx,
		`SELECT `+auditCols+` FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, int64(afterID), sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return scanAudits(rows)
}

func scanAudits(rows *sql.Rows) ([]AuditEntry, error) {
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, _, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}

// truncateRunes cuts s to at most n characters without splitting one.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}
