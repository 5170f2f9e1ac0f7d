package store

import (
	"context"
	"database/sql"
	"fmt"
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
	// Action is what actually ran: the exact command, the path written, or
	// the parameters as JSON. Callers redact secrets first.
	Action string
	// ChosenBy says who chose the action: user, keyword, classifier,
	// planner, agent, scheduler, policy.
	ChosenBy string
	// Stage is StageStart for the record written before a state-changing
	// action runs, "" for a run's outcome. A start record with no outcome
	// after it means the process died while the action ran.
	Stage string
	// Sandbox is the confinement a command a model ran unasked ran under:
	// one of the Sandbox* constants, "" for every other entry.
	Sandbox  string
	PrevHash string // Hash of the entry before; "" for the first
	Hash     string // sha256 over PrevHash and every other field
	// MAC is HMAC-SHA256 of Hash under the audit key kept outside the
	// database; "" for entries written before MACs existed.
	MAC string

	hashVersion int // which field list Hash covers (see auditFields)
}

const auditCols = `id, turn_id, created_at, session, source, input, route, skill, tier, model,
	success, error, prompt_tokens, completion_tokens, cost_usd, elapsed_ms, plan_steps, prev_hash, hash,
	providers, llm_calls, action, chosen_by, hash_version, mac, stage, sandbox`

// scanAudit reads one audit row. It is lenient on purpose: a row edited
// with another SQLite client may hold a value of the wrong type (text in an
// integer column, success = 7). Such a row is still returned, with the odd
// value in a form that cannot hash correctly, and wellFormed = false, so
// VerifyAudit reports it instead of failing.
func scanAudit(r rowScanner) (e AuditEntry, wellFormed bool, err error) {
	var v [27]any
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
	e.Action, e.ChosenBy = c.str(v[21]), c.str(v[22])
	e.hashVersion, e.MAC, e.Stage = int(c.int(v[23])), c.str(v[24]), c.str(v[25])
	e.Sandbox = c.str(v[26])
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
// ID, Time, PrevHash, Hash and MAC filled in. It runs in one BEGIN IMMEDIATE
// transaction (read the head, insert, move the head, write the checkpoint),
// so appends from several processes are serialised, the chain never forks
// and the checkpoint never goes backwards. An error means nothing was
// written; errors.Is tells ErrReadOnly, ErrDiskFull, ErrAuditKey and
// ErrAuditCheckpoint apart.
func (db *DB) AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	return db.WithAudit(ctx, e, nil)
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

// StageStart marks the audit record written before a state-changing action
// runs: what will run and who chose it.
const StageStart = "start"
