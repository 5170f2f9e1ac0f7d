package store

import (
	"context"
	"fmt"
	"time"
)

// Episode summarises a run of a session's context entries.
type Episode struct {
	ID        int64
	SessionID SessionID
	Summary   string
	FromEntry int64 // first context entry id covered
	ToEntry   int64 // last context entry id covered
	CreatedAt time.Time
}

// AddEpisode stores a summary of entries fromEntry..toEntry.
func (db *DB) AddEpisode(ctx context.Context, id SessionID, summary string, fromEntry, toEntry int64) error {
	if summary == "" || fromEntry > toEntry {
		return fmt.Errorf("add episode: empty summary or bad range %d..%d", fromEntry, toEntry)
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO episodes (session_id, summary, from_entry, to_entry, created_at)
		VALUES (?, ?, ?, ?, ?)`, string(id), summary, fromEntry, toEntry, db.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("add episode: %w", err)
	}
	return nil
}

// RecentEpisodes returns a session's last n episodes, oldest first.
func (db *DB) RecentEpisodes(ctx context.Context, id SessionID, n int) ([]Episode, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, session_id, summary, from_entry, to_entry, created_at FROM (
		SELECT * FROM episodes WHERE session_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`, string(id), sqlLimit(n))
	if err != nil {
		return nil, fmt.Errorf("read episodes: %w", err)
	}
	defer rows.Close()
	var out []Episode
	for rows.Next() {
		var e Episode
		var sid string
		var at int64
		if err := rows.Scan(&e.ID, &sid, &e.Summary, &e.FromEntry, &e.ToEntry, &at); err != nil {
			return nil, fmt.Errorf("read episodes: %w", err)
		}
		e.SessionID, e.CreatedAt = SessionID(sid), time.UnixMilli(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// UncompactedBefore returns the session's entries that are older than its
// newest keep entries and not yet covered by an episode, oldest first.
func (db *DB) UncompactedBefore(ctx context.Context, id SessionID, keep int) ([]Entry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+entryCols+` FROM context_entries
		WHERE session_id = ?
		  AND id > COALESCE((SELECT MAX(to_entry) FROM episodes WHERE session_id = ?), 0)
		  AND id < COALESCE((SELECT MIN(id) FROM (SELECT id FROM context_entries WHERE session_id = ? ORDER BY id DESC LIMIT ?)), 0)
		ORDER BY id`, string(id), string(id), string(id), keep)
	if err != nil {
		return nil, fmt.Errorf("read entries to compact: %w", err)
	}
	defer rows.Close()
	return scanEntries(rows)
}
