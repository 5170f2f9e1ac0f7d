package agent

import (
	"context"
	"fmt"
	"github.com/macroa/macroa/core/actions"
	"unicode/utf8"

	"github.com/macroa/macroa/core/skills"
)

// readFile reads through the file skill. A file that may hold credentials
// (the same list the shell policy uses for cat), by the path as given or
// by the file it really leads to, is read only when the person approves.
func (a *Agent) readFile(ctx context.Context, p string) outcome {
	t, err := a.Files.Resolve(p)
	if err != nil {
		return fromResult(skills.Fail(err.Error()))
	}
	if reason := readNeedsApproval(t); reason != "" {
		return a.propose(ctx, actions.Action{Kind: actions.FileRead, Params: actions.Read{Path: t.Real}}, reason)
	}
	// Read opens exactly the file resolved (and approved) above.
	return fromResult(a.Files.Read(t))
}

// readNeedsApproval says why reading t needs the person, or "": a file
// that may hold credentials.
func readNeedsApproval(t skills.Target) string {
	if why := t.Secret(); why != "" && t.Exists() && !t.IsDir() {
		return "it reads " + why
	}
	return ""
}

// writeFile writes through the file skill, always with the person's
// approval: the question says what is special about the target (a hidden
// path such as shell start-up files, ~/.ssh or ~/.config, a credentials
// file, an existing file replaced, or a new file). Every decision is on the
// real target, symlinks and relative paths resolved, and the write fails if
// the path leads elsewhere by then. Its audit record is written before it.
func (a *Agent) writeFile(ctx context.Context, p, content string) outcome {
	t, err := a.Files.Resolve(p)
	if err != nil {
		return fromResult(skills.Fail(err.Error()))
	}
	if why := a.Files.WriteRefusal(t); why != "" {
		return fromResult(skills.Fail(why)) // refused whatever the person says: do not ask
	}
	// Every write asks (writeNeedsApproval never says ""): the approval
	// queue writes it, with a diff and a backup, once a person approves.
	return a.propose(ctx, actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: t.Real, Content: content}}, writeNeedsApproval(t))
}

// writeNeedsApproval says why writing to t needs the person, or "".
func writeNeedsApproval(t skills.Target) string {
	switch {
	case t.Hidden() != "":
		return fmt.Sprintf("it writes under a hidden path (%s), where settings, keys and start-up scripts live", t.Hidden())
	case t.Secret() != "":
		return "it writes to " + t.Secret()
	case t.Exists() && !t.IsDir():
		return fmt.Sprintf("it replaces the existing %s", t.Real)
	}
	// A new file still changes the person's disk: a model never writes
	// one unasked.
	return fmt.Sprintf("it creates the new file %s", t.Real)
}

// maxShownContent is how much of a proposed write the person is shown.
const maxShownContent = 2000

// WriteProposal is how a proposed file write is put to the person: the
// target and, since approving a write means approving what it writes, the
// content itself (its start when it is long).
func WriteProposal(verb, target, content string) string {
	shown := content
	more := ""
	if len(shown) > maxShownContent {
		cut := maxShownContent
		for cut > 0 && !utf8.RuneStart(shown[cut]) {
			cut--
		}
		shown, more = shown[:cut], fmt.Sprintf("\n… and %d more bytes", len(content)-cut)
	}
	return fmt.Sprintf("%s %s (%d bytes):\n%s%s", verb, target, len(content), shown, more)
}
