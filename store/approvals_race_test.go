package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// decideAll has every worker answer id at once (the workers wait on a
// shared start signal) and returns the runner names that won.
func decideAll(t *testing.T, dbs []*DB, workers int, id ApprovalID) (winners []string, losers []error) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		db := dbs[w%len(dbs)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			runner := fmt.Sprintf("host/%d/1", w)
			to := ApprovalApproved
			if w%3 == 2 {
				to = ApprovalRejected
			}
			<-start
			_, err := db.DecideApproval(ctx, id, to, fmt.Sprintf("person:%d", w), "cli", "", runner)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				winners = append(winners, runner)
			} else {
				losers = append(losers, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return winners, losers
}

// TestApprovalDecideRace: two handles on one file (two connection pools,
// as two processes would have) answer the same entries from many
// goroutines at once. Exactly one answer wins each; every other gets
// ErrApprovalDecided carrying the winner's row; one audit entry per
// decision; the chain verifies.
func TestApprovalDecideRace(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const rounds, workers = 12, 16
	for i := range rounds {
		a := propose(t, db, testApproval(i))
		mark := lastAuditID(t, db)
		winners, losers := decideAll(t, []*DB{db, other}, workers, a.ID)
		if len(winners) != 1 || len(losers) != workers-1 {
			t.Fatalf("round %d: %d winners %v, %d losers", i, len(winners), winners, len(losers))
		}
		final, err := db.GetApproval(ctx, a.ID)
		if err != nil || final.State == ApprovalPending {
			t.Fatalf("round %d: %+v %v", i, final, err)
		}
		if final.State == ApprovalApproved && final.Runner != winners[0] {
			t.Errorf("round %d: runner %q, winner %q", i, final.Runner, winners[0])
		}
		for _, err := range losers {
			var c *ApprovalConflict
			if !errors.Is(err, ErrApprovalDecided) || !errors.As(err, &c) || c.Current.DecidedBy != final.DecidedBy {
				t.Errorf("round %d: loser got %v", i, err)
			}
		}
		if es := auditAfter(t, db, mark); len(es) != 1 || es[0].ChosenBy != final.DecidedBy {
			t.Errorf("round %d: audit entries %+v", i, es)
		}
	}
	verifyChain(t, db)
}

// TestApprovalMergeRace: the same proposal from many goroutines on two
// handles at once makes one entry whose count is every proposal.
func TestApprovalMergeRace(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const workers = 16
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, workers)
	merged := make(chan bool, workers)
	for w := range workers {
		h := []*DB{db, other}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, m, err := h.ProposeApproval(ctx, testApproval(1), AuditEntry{})
			errs <- err
			merged <- m
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	close(merged)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	firsts := 0
	for m := range merged {
		if !m {
			firsts++
		}
	}
	list, err := db.ListApprovals(ctx, ApprovalQuery{})
	if err != nil || len(list) != 1 || list[0].Count != workers || firsts != 1 {
		t.Fatalf("%d entries (%v), count %d, %d not merged; want one entry of %d", len(list), err, list[0].Count, firsts, workers)
	}
	if n := len(auditAfter(t, db, 0)); n != workers {
		t.Errorf("%d audit entries, want %d", n, workers)
	}
	verifyChain(t, db)
}

// Environment of a re-executed test binary that answers approvals.
const (
	approvalChildDBEnv   = "MACROA_STORE_APPROVAL_CHILD_DB"
	approvalChildIDsEnv  = "MACROA_STORE_APPROVAL_CHILD_IDS"
	approvalChildNameEnv = "MACROA_STORE_APPROVAL_CHILD_NAME"
)

// TestApprovalDecideProcesses: three processes answer the same pending
// entries at once, each from four goroutines. Each entry is won by exactly
// one answer across them; every other answer is told it was decided.
func TestApprovalDecideProcesses(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var ids []string
	for i := range 60 {
		ids = append(ids, string(propose(t, db, testApproval(i)).ID))
	}
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Scanner
		log   strings.Builder
	}
	var children []*child
	for i := range 3 {
		c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestApprovalDecideChild$", "-test.count=1")}
		c.cmd.Env = append(os.Environ(), approvalChildDBEnv+"="+db.Path(), approvalChildIDsEnv+"="+strings.Join(ids, ","),
			fmt.Sprintf("%s=child%d", approvalChildNameEnv, i))
		var err error
		if c.stdin, err = c.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		stdout, err := c.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		c.cmd.Stderr = &c.log
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
		c.out = bufio.NewScanner(stdout)
		children = append(children, c)
	}
	// Start together: each child says READY once its database is open,
	// then waits for its stdin to close.
	for i, c := range children {
		if !scanFor(c.out, "READY") {
			t.Fatalf("child %d never got ready: %s", i, c.log.String())
		}
	}
	for _, c := range children {
		c.stdin.Close()
	}
	won := map[string][]string{}
	for i, c := range children {
		var lines []string
		for c.out.Scan() {
			lines = append(lines, c.out.Text())
		}
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s\n%s", i, err, strings.Join(lines, "\n"), c.log.String())
		}
		res := afterMarker(strings.Join(lines, "\n"), "WON ")
		res, ok := strings.CutSuffix(strings.SplitN(res, "\n", 2)[0], " END")
		if !ok {
			t.Fatalf("child %d said %q", i, lines)
		}
		for _, id := range strings.Fields(res) {
			won[id] = append(won[id], fmt.Sprintf("child%d", i))
		}
	}
	perWinner := map[string]int{}
	for id, w := range won {
		if _, err := db.GetApproval(ctx, ApprovalID(id)); err != nil {
			t.Errorf("%s answered %q", w, id) // an error other than ErrApprovalDecided
		}
		perWinner[w[0]]++
	}
	t.Logf("entries won: %v", perWinner)
	for _, id := range ids {
		a, err := db.GetApproval(ctx, ApprovalID(id))
		if len(won[id]) != 1 || err != nil || a.State != ApprovalApproved || a.DecidedBy != "person:"+won[id][0] {
			t.Errorf("%s: won by %v; stored %s by %s (%v)", id, won[id], a.State, a.DecidedBy, err)
		}
	}
	if n := len(auditAfter(t, db, 0)); n != 2*len(ids) {
		t.Errorf("%d audit entries, want %d (a proposal and a decision each)", n, 2*len(ids))
	}
	verifyChain(t, db)
}

// scanFor reads lines until one equals want; false at the end of input.
func scanFor(s *bufio.Scanner, want string) bool {
	for s.Scan() {
		if s.Text() == want {
			return true
		}
	}
	return false
}

// decideIDs approves every id from 4 goroutines (each walking the list
// from another place) and returns the ids this process won. Any error
// but ErrApprovalDecided is reported as an id "error: ...".
func decideIDs(ctx context.Context, db *DB, name string, ids []string) []string {
	var mu sync.Mutex
	var won []string
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range ids {
				id := ids[(k+g*len(ids)/4)%len(ids)]
				_, err := db.DecideApproval(ctx, ApprovalID(id), ApprovalApproved, "person:"+name, "cli", "", name+"/runner")
				mu.Lock()
				switch {
				case err == nil:
					won = append(won, id)
				case !errors.Is(err, ErrApprovalDecided):
					won = append(won, "error:"+strings.ReplaceAll(err.Error(), " ", "_"))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return won
}

// TestApprovalDecideChild is the answering process; it does nothing
// unless started by TestApprovalDecideProcesses.
func TestApprovalDecideChild(t *testing.T) {
	path := os.Getenv(approvalChildDBEnv)
	if path == "" {
		t.Skip("only runs as a child of TestApprovalDecideProcesses")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin) // the parent closes it to start everyone at once
	won := decideIDs(ctx, db, os.Getenv(approvalChildNameEnv), strings.Split(os.Getenv(approvalChildIDsEnv), ","))
	fmt.Printf("WON %s END\n", strings.Join(won, " "))
}
