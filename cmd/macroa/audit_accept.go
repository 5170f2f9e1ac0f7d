package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// newAuditAcceptCmd is `macroa audit accept`: take the log as it stands
// when its checkpoint is missing or disagrees with it (a database restored
// on purpose), on the record. The acceptance is an audit entry of its own,
// which verify reports every time, so a rollback is never silent.
func newAuditAcceptCmd(a *app.App) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "accept",
		Short: "Accept the audit log as it stands when its checkpoint is missing or disagrees with it; recorded, and noted by verify from then on",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			ctx := cmd.Context()
			audit := a.AuditService()
			acc, err := audit.Acceptance(ctx)
			if err != nil {
				return failErr("%v", err)
			}
			out := cmd.OutOrStdout()
			if !acc.Needed {
				fmt.Fprintf(out, "Nothing to accept: the audit checkpoint matches the log (%s).\n", logAt(acc.LastID, acc.Count))
				return nil
			}
			checkpoint, err := audit.CheckpointPath(ctx)
			if err != nil {
				return failErr("%v", err)
			}
			fmt.Fprintf(out, "The audit log ends at %s; %s.\n", logAt(acc.LastID, acc.Count),
				termsafe.Clean(checkpointSaid(acc, checkpoint)))
			fmt.Fprintln(out, "Accepting it writes an audit entry that records this, and macroa audit verify will note it every time from now on.")
			if !yes {
				if !term.IsTerminal(os.Stdin.Fd()) {
					return usageErr("no terminal to confirm on: run macroa audit accept --yes to accept the log as it stands")
				}
				ok, err := confirm(cmd.InOrStdin(), out, fmt.Sprintf("Accept the audit log as it stands at entry %d? [y/N] ", acc.LastID))
				if err != nil {
					return failErr("read the answer: %v", err)
				}
				if !ok {
					return failErr("not accepted: nothing was written")
				}
			}
			e, err := audit.Accept(ctx, acc, store.AuditEntry{
				TurnID: store.NewTurnID(),
				Source: "cli",
				Input:  "macroa audit accept",
			})
			if err != nil { // ErrAcceptChanged among others: the sentence says to run it again
				return failErr("%v", err)
			}
			fmt.Fprintf(out, "Accepted the audit log at entry %d, recorded as entry %d.\n", acc.LastID, e.ID)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "accept without asking (needed where there is no terminal)")
	return cmd
}

// logAt names the log's newest entry and how many it holds.
func logAt(id store.AuditID, count int64) string {
	noun := "entries"
	if count == 1 {
		noun = "entry"
	}
	return fmt.Sprintf("entry %d (%d %s)", id, count, noun)
}

// checkpointSaid says what the checkpoint at path recorded, against the log.
func checkpointSaid(acc store.AuditAcceptance, path string) string {
	switch acc.Checkpoint {
	case store.CheckpointMissing:
		return "its checkpoint " + path + " is missing, so entries after it may have been removed"
	case store.CheckpointDamaged:
		return "its checkpoint " + path + " is damaged, so entries after it may have been removed"
	case store.CheckpointAltered:
		return fmt.Sprintf("its checkpoint %s was altered or written with another key (it claims entry %d)", path, acc.CheckpointID)
	case store.CheckpointAhead:
		return fmt.Sprintf("its checkpoint %s records %s: entries %d-%d are gone", path, logAt(acc.CheckpointID, acc.CheckpointCount),
			acc.LastID+1, acc.CheckpointID)
	case store.CheckpointRewritten:
		return fmt.Sprintf("its checkpoint %s records an entry %d that is not the one the log holds: the log was rewritten from there", path, acc.CheckpointID)
	}
	return acc.Reason
}

// confirm asks question on out and reads one line from in: yes or y accepts.
func confirm(in io.Reader, out io.Writer, question string) (bool, error) {
	fmt.Fprint(out, question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
