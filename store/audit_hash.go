package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// hashV3 is the hash_version of entries written since schema 5: the v2
// fields plus action, chosen_by and stage. Rows written before keep 0 and hash as
// v1 or v2, decided by their content as before.
const hashV3 = 3

// hashV4 is the hash_version of entries written since schema 11: the v3
// fields plus sandbox. v3 rows keep their version and hash as before.
const hashV4 = 4

// hashCurrent is the version every append writes.
const hashCurrent = hashV4

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

// auditMAC is HMAC-SHA256 of the entry's hash under the audit key. The hash
// already covers every field, the id and the previous hash, so the MAC binds
// all of them; without the key a rewritten chain cannot carry valid MACs.
func auditMAC(key []byte, hash string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("macroa-audit-mac-v1:"))
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil))
}

// macOK compares a stored MAC with the expected one in constant time.
func macOK(key []byte, hash, mac string) bool {
	return hmac.Equal([]byte(auditMAC(key, hash)), []byte(mac))
}

// auditFields lists what the hash covers, in a fixed order. Changing it
// changes every hash: add a version and keep the old orders for old rows.
// v3 (hash_version 3) adds action, chosen_by and stage; v4 (hash_version 4)
// adds sandbox. For rows with version 0:
// v2 adds providers and llm_calls; an entry with neither (every entry
// written before schema 3) still hashes as v1, so old chains stay valid,
// while a v2 entry whose new fields are blanked no longer matches its hash.
// A v3 or v4 row whose version is changed hashes under another tag and no
// longer matches either.
func auditFields(e AuditEntry) []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	fields := auditFieldsV1(e)
	switch {
	case e.hashVersion == hashV3:
		fields[0] = "macroa-audit-v3"
		fields = append(fields, e.Providers, i(int64(e.LLMCalls)), e.Action, e.ChosenBy, e.Stage)
	case e.hashVersion == hashV4:
		fields[0] = "macroa-audit-v4"
		fields = append(fields, e.Providers, i(int64(e.LLMCalls)), e.Action, e.ChosenBy, e.Stage, e.Sandbox)
	case e.hashVersion != 0:
		fields[0] = "macroa-audit-unknown-v" + i(int64(e.hashVersion)) // never matches a stored hash
	case e.Providers != "" || e.LLMCalls != 0:
		fields[0] = "macroa-audit-v2"
		fields = append(fields, e.Providers, i(int64(e.LLMCalls)))
	}
	// A row older than v4 was written before the sandbox column existed,
	// so a sandbox on it was put there afterwards: it must break the hash,
	// while such rows as written (sandbox '') hash exactly as before.
	if e.hashVersion != hashV4 && e.Sandbox != "" {
		fields = append(fields, e.Sandbox)
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
