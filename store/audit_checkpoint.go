package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// CheckpointPath is the file that records the newest audit entry of the
// database at dbPath, outside it: the database's name plus ".audit-head".
// Replacing the database with an older copy, or cutting entries off its end
// and fixing its own head row, leaves the database behind this file.
// Removing the database with its -wal and -shm files (macroa.db*) removes
// it too, so starting afresh is not taken for tampering.
func CheckpointPath(dbPath string) string { return dbPath + ".audit-head" }

// checkpoint is the newest entry as of the last append.
type checkpoint struct {
	Version int    `json:"version"`
	ID      int64  `json:"id"`       // the newest entry's id
	Hash    string `json:"hash"`     // its chain hash
	MAC     string `json:"mac"`      // its MAC
	Count   int64  `json:"count"`    // entries in the log after the append
	MACFrom int64  `json:"mac_from"` // the first entry written with a MAC; older ones are chain-only
	Seal    string `json:"seal"`     // HMAC of the fields above, so none can be changed alone
}

const checkpointVersion = 1

func (c checkpoint) seal(key []byte) string {
	m := hmac.New(sha256.New, key)
	for _, f := range []string{"macroa-audit-checkpoint-v1", strconv.Itoa(c.Version), strconv.FormatInt(c.ID, 10),
		c.Hash, c.MAC, strconv.FormatInt(c.Count, 10), strconv.FormatInt(c.MACFrom, 10)} {
		m.Write([]byte(strconv.Itoa(len(f)) + ":" + f))
	}
	return hex.EncodeToString(m.Sum(nil))
}

func (c checkpoint) sealOK(key []byte) bool {
	return hmac.Equal([]byte(c.seal(key)), []byte(c.Seal))
}

// readCheckpoint returns the checkpoint and its raw bytes; exists is false
// when there is no file. A file that cannot be parsed is an error matching
// ErrAuditCheckpoint.
func readCheckpoint(path string) (c checkpoint, raw []byte, exists bool, err error) {
	raw, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return checkpoint{}, nil, false, nil
	}
	if err != nil {
		return checkpoint{}, nil, false, fmt.Errorf("read the audit checkpoint: %w", err)
	}
	c, err = unmarshalCheckpoint(raw)
	if err != nil || c.Version != checkpointVersion || c.ID < 1 {
		return checkpoint{}, raw, true, tagged(ErrAuditCheckpoint, nil, "the audit checkpoint %s is damaged or was altered", path)
	}
	return c, raw, true, nil
}

// writeFileAtomic replaces path with data: a new 0600 temporary file in the
// same directory, written and renamed over path. A reader sees the old file
// or the new one, never a mix. It is not fsynced: the database commits with
// synchronous=NORMAL, which a power cut may also roll back, so syncing the
// checkpoint would buy no consistency and cost every append a disk flush.
// After a power cut verify may report the checkpoint ahead or damaged;
// macroa audit accept then accepts the database as it is, on the record.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// restoreCheckpoint puts back what was at path before an append whose
// commit failed (prev nil: there was no file), unless another append has
// replaced it since (then it is left alone). A checkpoint behind the
// database is harmless; one ahead of it would look like tampering.
func restoreCheckpoint(path string, ours, prev []byte) {
	cur, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(cur, ours) {
		return
	}
	if prev == nil || writeFileAtomic(path, prev) != nil {
		// No room to write the old one back (the commit may have failed on
		// a full disk), or there was none: no checkpoint. Over a log with
		// sealed entries that stops appends until macroa audit accept, as
		// one ahead of the database would.
		os.Remove(path)
	}
}
