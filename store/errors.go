package store

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned (wrapped) when a named session does not exist.
var ErrNotFound = errors.New("not found")

// ErrNameTaken is returned (wrapped) when a session name is already in use.
var ErrNameTaken = errors.New("name already taken")

// SchemaTooNewError reports a database written by a newer macroa. Open never
// modifies such a database.
type SchemaTooNewError struct {
	Have int    // the database's schema version
	Want int    // the newest version this binary understands
	Path string // the database file
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("database %s has schema version %d, newer than this macroa understands (%d); upgrade macroa or point MACROA_HOME elsewhere",
		e.Path, e.Have, e.Want)
}
