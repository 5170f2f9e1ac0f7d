package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// seedWords is the vocabulary SeedFacts draws keys and values from.
var seedWords = []string{
	"alpha", "backup", "cache", "disk", "editor", "firewall", "gateway", "host",
	"index", "journal", "kernel", "laptop", "mail", "nginx", "office", "printer",
	"queue", "router", "server", "token", "uplink", "vault", "wifi", "xterm",
	"yubikey", "zone", "doctor", "dentist", "birthday", "anniversary", "car",
	"bike", "passport", "flight", "hotel", "recipe", "coffee", "tea", "garden",
	"plant", "dog", "cat", "school", "meeting", "project", "deadline", "budget",
	"invoice", "bank", "account", "phone", "address", "city", "country", "music",
	"book", "movie", "game", "language", "timezone", "shell", "terminal", "theme",
	"font", "keyboard", "monitor", "camera", "drone", "boat", "train", "bus",
}

// SeedFacts inserts n synthetic facts plus server_ip = 10.0.0.1, all in one
// transaction, for benchmarks here and in other packages. The data is the
// same for the same n; about one fact in twenty mentions "server".
//
// It is one INSERT ... SELECT over a generated series rather than n
// INSERTs: every statement that writes through the FTS triggers makes FTS5
// flush a new index segment, so row-by-row inserts are several times slower.
func SeedFacts(ctx context.Context, db *DB, n int) error {
	words, err := json.Marshal(seedWords)
	if err != nil {
		return err
	}
	now := db.now().UnixMilli()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// word(k) is seedWords[k % len], read from the JSON array in ?2.
		_, err := tx.ExecContext(ctx, `
			WITH RECURSIVE seq(i) AS (SELECT 0 WHERE ?1 > 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
			INSERT INTO facts (namespace, key, value, confidence, source, pinned, created_at, updated_at)
			SELECT CASE WHEN i % 10 = 9 THEN 'extracted' ELSE 'user' END,
			       json_extract(?2, '$[' || (i % ?3) || ']') || '_' ||
			           json_extract(?2, '$[' || (i / ?3 % ?3) || ']') || '_' || i,
			       'the ' || json_extract(?2, '$[' || ((i * 7 + 3) % ?3) || ']') || ' ' ||
			           json_extract(?2, '$[' || ((i * 13 + 5) % ?3) || ']') || ' is ' || (i * 31 % 10007) ||
			           ' near the ' || json_extract(?2, '$[' || (i % ?3) || ']'),
			       0.5 + (i % 50) / 100.0, 'seed', i % 97 = 0, ?4 - (?1 - i), ?4 - (?1 - i)
			FROM seq WHERE true
			ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			n, string(words), len(seedWords), now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO facts (namespace, key, value, confidence, source, pinned, created_at, updated_at)
			VALUES ('user', 'server_ip', '10.0.0.1', 1.0, 'seed', 0, ?1, ?1)
			ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("seed %d facts: %w", n, err)
	}
	return nil
}
