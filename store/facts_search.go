package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/macroa/macroa/lazy"
)

// maxSearchWords caps how many words of a query go to FTS5, so a pasted
// paragraph cannot turn into a huge OR query.
const maxSearchWords = 8

// stopWords are dropped from a search when other words remain: in "what is
// my server IP" only "server" and "ip" say what the user wants, and OR-ing
// "what", "is" and "my" would match half the facts.
var stopWords = lazy.New(func() map[string]bool {
	return map[string]bool{
		"a": true, "an": true, "and": true, "are": true, "about": true, "at": true,
		"be": true, "by": true, "can": true, "did": true, "do": true, "does": true,
		"for": true, "from": true, "how": true, "i": true, "in": true, "is": true,
		"it": true, "know": true, "me": true, "my": true, "of": true, "on": true,
		"or": true, "tell": true, "that": true, "the": true, "to": true, "was": true,
		"what": true, "whats": true, "when": true, "where": true, "which": true,
		"who": true, "why": true, "with": true, "you": true, "your": true,
	}
})

// SearchFacts finds live facts matching a free-text query: FTS5 over key and
// value ranked by BM25 (then confidence); if that finds nothing, a plain
// substring match. limit <= 0 means no limit.
func (db *DB) SearchFacts(ctx context.Context, query string, limit int) ([]Fact, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	now := db.now().UnixMilli()
	if match := ftsQuery(query); match != "" {
		preCut := -1
		if limit > 0 {
			preCut = limit + 32 // slack for expired rows and ties
		}
		facts, cut, err := db.searchFTS(ctx, match, limit, now, preCut)
		if err == nil && cut && len(facts) < limit {
			// The pre-cut kept too many expired rows: rank every match.
			facts, _, err = db.searchFTS(ctx, match, limit, now, -1)
		}
		if err != nil {
			return nil, fmt.Errorf("search facts %q: %w", query, err)
		}
		if len(facts) > 0 {
			return facts, nil
		}
	}
	// Substring fallback for what the tokenizer cannot see (e.g. "50%" or a
	// one-letter query). The query is escaped so % and _ are literal.
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+factCols+` FROM facts
		WHERE (key LIKE ?1 ESCAPE '\' OR value LIKE ?1 ESCAPE '\') AND `+liveFact+`
		ORDER BY pinned DESC, confidence DESC, updated_at DESC
		LIMIT ?`,
		"%"+escapeLike(query)+"%", now, sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("search facts %q: %w", query, err)
	}
	facts, err := scanFacts(rows)
	if err != nil {
		return nil, fmt.Errorf("search facts %q: %w", query, err)
	}
	return facts, nil
}

// searchFTS runs an FTS5 query and returns up to limit live facts (limit
// <= 0: all). Ranking is the costly part (BM25 for every match), so the
// inner query ranks on the index alone and keeps only the best preCut
// matches (-1: all); those are joined to facts and ordered by rank, then
// confidence. A common word matching thousands of facts then costs one join
// per kept row, not one per match. Expired rows are dropped here in Go, so
// cut can say whether the pre-cut was reached and may have hidden live rows.
func (db *DB) searchFTS(ctx context.Context, match string, limit int, now int64, preCut int) (facts []Fact, cut bool, err error) {
	// bm25 is lower-is-better; a hit in the key counts twice a hit in the value.
	rows, err := db.sql.QueryContext(ctx, `
		SELECT f.id, f.namespace, f.key, f.value, f.confidence, f.source, f.pinned,
		       f.created_at, f.updated_at, f.expires_at
		FROM (
			SELECT rowid, bm25(facts_fts, 2.0, 1.0) AS score FROM facts_fts
			WHERE facts_fts MATCH ? ORDER BY score LIMIT ?
		) AS m JOIN facts f ON f.id = m.rowid
		ORDER BY m.score, f.confidence DESC, f.updated_at DESC`,
		match, preCut)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		f, err := scanFact(rows)
		if err != nil {
			return nil, false, err
		}
		seen++
		expired := !f.ExpiresAt.IsZero() && f.ExpiresAt.UnixMilli() <= now
		if !expired && (limit <= 0 || len(facts) < limit) {
			facts = append(facts, f)
		}
	}
	return facts, preCut > 0 && seen == preCut, rows.Err()
}

// ftsQuery turns free text into a safe FTS5 query, or "" if no word is left.
// Each whitespace-separated word has every FTS5 operator character removed
// and is wrapped in double quotes, which makes it a plain phrase (FTS5 gives
// no other character a meaning inside quotes). Words are ORed. A word of 3+
// characters also matches as a prefix, so "serv" finds "server"; shorter
// ones must match exactly, or "ip" would match "iphone" and "ipv6".
func ftsQuery(text string) string {
	var words, content []string
	for _, w := range strings.Fields(text) {
		w = strings.Map(func(r rune) rune {
			if strings.ContainsRune("\"*()^~+-:{}[]", r) || unicode.IsControl(r) {
				return ' ' // syntax outside quotes; '"' would end the phrase; NUL ends the string
			}
			return r
		}, w)
		for _, part := range strings.Fields(w) {
			part = strings.TrimFunc(part, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
			if utf8.RuneCountInString(part) < 2 {
				continue
			}
			part = strings.ToLower(part)
			words = append(words, part)
			if !stopWords.Get()[strings.ReplaceAll(part, "'", "")] {
				content = append(content, part)
			}
		}
	}
	if len(content) > 0 {
		words = content
	}
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"`
		if utf8.RuneCountInString(w) >= 3 {
			terms[i] += "*"
		}
	}
	return strings.Join(terms, " OR ")
}

// escapeLike makes %, _ and the escape character itself literal in a LIKE
// pattern that uses ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
