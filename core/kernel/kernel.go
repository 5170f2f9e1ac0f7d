package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/core/config"
	"github.com/macroa/macroa/core/redact"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
)

// ErrEmptyInput is returned for a request with nothing in it.
var ErrEmptyInput = errors.New("empty input: type a request, a !command, or \"help\"")

// Options wires a Kernel to its configuration and store.
type Options struct {
	Config   *config.Config
	DB       *store.DB
	Environ  []string // for the user's shell; os.Environ() in the binary
	WorkDir  string   // where shell commands and relative paths start
	UserHome string   // the root the file skill is confined to
}

// Kernel serves requests. It is safe for concurrent use.
type Kernel struct {
	cfg     *config.Config
	db      *store.DB
	shell   skills.ShellSkill
	files   skills.FileSkill
	memory  skills.MemorySkill
	secrets []string // configured secret values, removed from audit text
}

// New builds a Kernel.
func New(o Options) *Kernel {
	return &Kernel{
		cfg: o.Config,
		db:  o.DB,
		shell: skills.ShellSkill{
			Shell:   hosts.UserShell(o.Environ),
			Timeout: o.Config.ShellTimeout,
			Dir:     o.WorkDir,
		},
		files:   skills.FileSkill{Root: o.UserHome, WorkDir: o.WorkDir},
		memory:  skills.MemorySkill{DB: o.DB},
		secrets: secretValues(o.Config),
	}
}

// secretValues lists every API key the configuration holds: the built-in
// providers' and each config.toml [providers.X] entry's (api_key or the
// variable api_key_env names).
func secretValues(cfg *config.Config) []string {
	secrets := []string{cfg.OpenRouterKey, cfg.APIKey}
	for name := range cfg.File.Providers {
		secrets = append(secrets, cfg.ProviderAPIKey(name))
	}
	return secrets
}

// Run serves one request and records it. It never panics on bad input: every
// failure comes back as a Result with Success false and an Error sentence.
func (k *Kernel) Run(ctx context.Context, req Request) Result {
	start := time.Now()
	res := Result{TurnID: store.NewTurnID(), Session: req.Session}
	if strings.TrimSpace(req.Input) == "" {
		res.Error = ErrEmptyInput.Error()
		return res
	}

	var sess store.Session
	if req.Session != "" {
		var err error
		if sess, err = k.db.EnsureSession(ctx, req.Session); err != nil {
			res.Error = fmt.Sprintf("session %q: %v", req.Session, err)
			res.Elapsed = time.Since(start)
			res.AuditErr = k.audit(ctx, req, res)
			return res
		}
	}

	d := router.Decide(req.Input)
	res.Route, res.Skill, res.Tier = string(d.Route), string(d.Intent.Skill), d.Intent.Tier
	sr := k.dispatch(ctx, d)
	res.Output, res.Success, res.Error, res.ExitCode = sr.Output, sr.Success, sr.Error, sr.ExitCode
	res.Elapsed = time.Since(start)

	if req.Session != "" {
		if err := k.remember(ctx, sess.ID, res, req.Input); err != nil {
			res.Success = false
			res.Error = joinSentences(res.Error, fmt.Sprintf("could not save the turn to session %q: %v", req.Session, err))
		}
	}
	res.AuditErr = k.audit(ctx, req, res)
	return res
}

// dispatch runs the skill a decision names.
func (k *Kernel) dispatch(ctx context.Context, d router.Decision) skills.Result {
	switch d.Intent.Skill {
	case skills.Shell:
		return k.shell.Run(ctx, d.Intent)
	case skills.Memory:
		return k.memory.Run(ctx, d.Intent)
	case skills.File:
		return k.files.Run(ctx, d.Intent)
	}
	return skills.Fail(providers.ErrNotConfigured.Error())
}

// remember appends the turn to a named session's context.
func (k *Kernel) remember(ctx context.Context, id store.SessionID, res Result, input string) error {
	reply := res.Output
	if !res.Success && res.Error != "" {
		reply = joinSentences(reply, "Error: "+res.Error)
	}
	// Like the audit entry, a cancelled run's turn is still kept.
	ctx = context.WithoutCancel(ctx)
	now := time.Now()
	return k.db.AppendEntries(ctx, id,
		store.Entry{TurnID: res.TurnID, Role: store.RoleUser, Content: input, Skill: res.Skill, CreatedAt: now},
		store.Entry{TurnID: res.TurnID, Role: store.RoleAssistant, Content: reply, Skill: res.Skill, CreatedAt: now},
	)
}

// audit writes the run's one audit entry, with secrets removed from the input.
func (k *Kernel) audit(ctx context.Context, req Request, res Result) error {
	// The audit entry is written even when the caller's context was
	// cancelled (ctrl+c): a cancelled run is still a run.
	ctx = context.WithoutCancel(ctx)
	_, err := k.db.AppendAudit(ctx, store.AuditEntry{
		TurnID:    res.TurnID,
		Time:      time.Now(),
		Session:   req.Session,
		Source:    string(req.Source),
		Input:     redact.String(req.Input, k.secrets...),
		Route:     res.Route,
		Skill:     res.Skill,
		Tier:      res.Tier.String(),
		Model:     res.Model,
		Success:   res.Success,
		Error:     redact.String(res.Error, k.secrets...),
		CostUSD:   res.CostUSD,
		ElapsedMS: res.Elapsed.Milliseconds(),
	})
	if err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}

func joinSentences(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}
