package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Environment variables that turn a re-executed test binary into a writer.
const (
	childDBEnv    = "MACROA_STORE_CHILD_DB"
	childNameEnv  = "MACROA_STORE_CHILD_NAME"
	childStartEnv = "MACROA_STORE_CHILD_START" // unix ms: open the db at this moment
	childRunEnv   = "MACROA_STORE_CHILD_RUN"   // how long to write
)

// TestConcurrentProcesses runs two OS processes that create the same new
// database at the same moment and then append audit entries and set facts
// as fast as they can. Nothing may fail (no "database is locked"), every
// row must be there, and the audit chain must verify: every MAC, and the
// checkpoint outside the database at the newest entry (it never went
// backwards). MACROA_STRESS_SECONDS
// lengthens the run (the default keeps `go test ./...` quick).
func TestConcurrentProcesses(t *testing.T) {
	run := 3 * time.Second
	if testing.Short() {
		run = time.Second
	}
	if s := os.Getenv("MACROA_STRESS_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("MACROA_STRESS_SECONDS=%q: want a whole number of seconds", s)
		}
		run = time.Duration(n) * time.Second
	}
	path := filepath.Join(t.TempDir(), "shared.db") // not created yet: both race to migrate
	start := time.Now().Add(500 * time.Millisecond)

	type child struct {
		cmd *exec.Cmd
		out bytes.Buffer
	}
	children := make([]*child, 2)
	for i := range children {
		c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestConcurrentProcessChild$", "-test.count=1", "-test.v")}
		c.cmd.Env = append(os.Environ(),
			childDBEnv+"="+path,
			childNameEnv+"=p"+strconv.Itoa(i),
			childStartEnv+"="+strconv.FormatInt(start.UnixMilli(), 10),
			childRunEnv+"="+run.String())
		c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children[i] = c
	}
	var wantAudit, wantFacts int64
	for i, c := range children {
		err := c.cmd.Wait()
		var audits, facts int64
		_, scanErr := fmt.Sscanf(afterMarker(c.out.String(), "RESULT "), "audit=%d facts=%d", &audits, &facts)
		if err != nil || scanErr != nil {
			t.Fatalf("child %d failed (%v, %v):\n%s", i, err, scanErr, c.out.String())
		}
		if audits == 0 || facts == 0 {
			t.Errorf("child %d wrote nothing: %s", i, c.out.String())
		}
		t.Logf("child %d: %d audit entries, %d facts", i, audits, facts)
		wantAudit += audits + facts // every fact write has its own entry
		wantFacts += facts
	}

	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var gotAudit int64
	db.sql.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&gotAudit)
	gotFacts, _ := db.CountFacts(context.Background())
	if gotAudit != wantAudit || gotFacts != wantFacts {
		t.Errorf("rows: audit %d (children wrote %d), facts %d (children wrote %d)", gotAudit, wantAudit, gotFacts, wantFacts)
	}
	rep, err := db.VerifyAudit(context.Background())
	if err != nil || !rep.OK() || rep.Checked != wantAudit || rep.MACVerified != wantAudit || int64(rep.CheckpointID) != wantAudit {
		t.Errorf("VerifyAudit after concurrent appends: checked %d, MAC-verified %d, checkpoint at %d, %v, problems %+v",
			rep.Checked, rep.MACVerified, rep.CheckpointID, err, rep.Problems)
	}
}

// TestConcurrentProcessChild is the writer process; it does nothing unless
// started by TestConcurrentProcesses.
func TestConcurrentProcessChild(t *testing.T) {
	path := os.Getenv(childDBEnv)
	if path == "" {
		t.Skip("only runs as a child of TestConcurrentProcesses")
	}
	name := os.Getenv(childNameEnv)
	startMS, _ := strconv.ParseInt(os.Getenv(childStartEnv), 10, 64)
	run, _ := time.ParseDuration(os.Getenv(childRunEnv))
	time.Sleep(time.Until(time.UnixMilli(startMS)))

	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	stop := time.Now().Add(run)
	var audits, facts int64
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Add(3)
	go func() { // audit appender
		defer wg.Done()
		for time.Now().Before(stop) {
			e := sampleAudit(int(audits % 20))
			e.Source = name
			if _, err := db.AppendAudit(ctx, e); err != nil {
				errs <- fmt.Errorf("append audit: %w", err)
				return
			}
			audits++
		}
	}()
	go func() { // fact writer, one new key per write
		defer wg.Done()
		for time.Now().Before(stop) {
			key := fmt.Sprintf("%s_fact_%d", name, facts)
			if _, _, err := db.SetFactAudited(ctx, FactInput{Key: key, Value: "value " + key}, AuditEntry{Source: name, Input: "remember " + key}); err != nil {
				errs <- fmt.Errorf("set fact: %w", err)
				return
			}
			facts++
		}
	}()
	go func() { // a reader, as a TUI would be
		defer wg.Done()
		for time.Now().Before(stop) {
			if _, err := db.RecentAudit(ctx, 10); err != nil {
				errs <- fmt.Errorf("recent audit: %w", err)
				return
			}
			if _, err := db.SearchFacts(ctx, "value fact", 5); err != nil {
				errs <- fmt.Errorf("search facts: %w", err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !t.Failed() {
		fmt.Printf("RESULT audit=%d facts=%d\n", audits, facts)
	}
}

// afterMarker returns the text after the first occurrence of marker.
func afterMarker(s, marker string) string {
	if i := bytes.Index([]byte(s), []byte(marker)); i >= 0 {
		return s[i+len(marker):]
	}
	return ""
}
