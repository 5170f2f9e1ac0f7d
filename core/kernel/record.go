package kernel

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/secretpath"
	"github.com/macroa/macroa/store"
)

// auditIntent records a state-changing action before it runs. Macroa
// changes nothing it cannot record: when the entry cannot be written, the
// action does not run and the error says why.
func (k *Kernel) auditIntent(ctx context.Context, t *turn, d router.Decision, j judgement, by Chooser) error {
	return k.record(ctx, k.intentEntry(t, d.Route, d.Intent.Skill, j.action, by))
}

// record appends a start record, with the sentence a person sees when it
// cannot be written.
func (k *Kernel) record(ctx context.Context, e store.AuditEntry) error {
	if _, err := k.db.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		return fmt.Errorf("the audit log cannot be written (%v), and Macroa changes nothing it cannot record", err)
	}
	return nil
}

// intentEntry is the audit record written before an action runs: what will
// run and who chose it. The run's own entry follows with the outcome.
func (k *Kernel) intentEntry(t *turn, route router.Route, skill skills.Name, action string, by Chooser) store.AuditEntry {
	return store.AuditEntry{
		TurnID:   t.id,
		Time:     time.Now(),
		Session:  t.req.Session,
		Source:   string(t.req.Source),
		Input:    redact.String(t.req.Input, k.secrets...),
		Route:    string(route),
		Skill:    string(skill),
		Action:   redact.String(action, k.secrets...),
		ChosenBy: string(by),
		Stage:    store.StageStart,
	}
}

// memoryFor is the memory skill for one turn: every write commits in the
// same transaction as its audit record, so a fact is never changed
// without one.
func (k *Kernel) memoryFor(t *turn) skills.MemorySkill {
	m := k.memory
	m.Record = func(action string) store.AuditEntry {
		by := t.chosenBy
		if by == "" {
			by = ChosenByUser
		}
		return k.intentEntry(t, t.route, skills.Memory, action, by)
	}
	return m
}

// modelAvailable reports whether a model can answer: the configured
// providers, or a local server found on first need. Only a request that
// would otherwise fall to a model asks, so deterministic hits never build it.
func (k *Kernel) modelAvailable(ctx context.Context) bool {
	if k.models == nil {
		return false
	}
	_, err := k.modelCaller(ctx)
	return err == nil
}

// protectData marks where Macroa keeps its keys, memory and audit key as
// secret for the shell policy and the file tools, wherever MACROA_HOME or
// the database path moved them. A data directory that holds the whole home
// (MACROA_HOME=$HOME) is left to the named files, or nothing could be read.
func protectData(cfg *config.Config, home string) {
	const why = "Macroa's own data, which holds its keys and memory"
	if rel, err := filepath.Rel(cfg.Home, home); err != nil || strings.HasPrefix(rel, "..") {
		secretpath.Protect(cfg.Home, why)
	}
	for _, p := range []string{cfg.DBPath, cfg.FilePath, filepath.Join(filepath.Dir(cfg.DBPath), ".env")} {
		secretpath.Protect(p, why)
	}
	// A host's key may live outside ~/.ssh; wherever config.toml puts it,
	// it is a credential.
	for _, h := range cfg.File.Hosts {
		if h.IdentityFile != "" {
			// As typed, for the shell policy that reads "~/…" as text,
			// and expanded, for the file tools and the sandbox.
			secretpath.Protect(h.IdentityFile, "the SSH key of host "+h.Name)
			if strings.HasPrefix(h.IdentityFile, "~/") && home != "" {
				secretpath.Protect(filepath.Join(home, h.IdentityFile[2:]), "the SSH key of host "+h.Name)
			}
		}
	}
	// What the person listed: the policy, the file tools and the sandbox
	// all treat it as a credential.
	for _, p := range cfg.SecretPaths(home) {
		secretpath.Protect(p, "a credential listed in secret_paths in config.toml")
	}
}
