package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/sandbox"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/tier"
)

// ErrEmptyInput is returned for a request with nothing in it.
var ErrEmptyInput = errors.New("empty input: type a request, a !command, or \"help\"")

// routeMemoryMiss: a memory lookup found nothing and a model answers instead.
const routeMemoryMiss router.Route = "memory-miss"

// routeHostsMiss: a host question named no host ("disk usage of photos")
// and a model answers instead.
const routeHostsMiss router.Route = "hosts-miss"

// ModelFactory builds the model layer the first time a request needs it, so
// deterministic requests never pay for it (nor touch a network). It returns
// providers.ErrNotConfigured when no provider is configured.
type ModelFactory func(ctx context.Context) (providers.Caller, error)

// Options wires a Kernel to its configuration and store.
type Options struct {
	Config   *config.Config
	DB       *store.DB
	Environ  []string // for the user's shell; os.Environ() in the binary
	WorkDir  string   // where shell commands and relative paths start
	UserHome string   // the root the file skill is confined to
	Bus      *events.Bus
	Models   ModelFactory // nil: no model layer
	// Reminders keeps the reminders "remind me …" sets; nil: none can be set.
	Reminders skills.Reminders
	// Hosts answers questions about the hosts' health ("disk usage on
	// web1"); nil: none can be answered.
	Hosts skills.HostsReader
	// Location is the person's zone, in which reminder times are read;
	// nil: time.Local (from TZ, else the system's zone).
	Location *time.Location
	// Now is the clock reminder times are read from; nil: time.Now.
	Now func() time.Time
	// Transports reach the inventory's other hosts by name, for the agent's
	// run_command host (agent.Agent.Remote); nil: none.
	Transports func(name string) (hosts.Transport, error)
	// Sandbox confines the commands a model runs unasked; nil: one built
	// from config.toml's sandbox mode and secret_paths for UserHome.
	Sandbox *sandbox.Box
}

// Kernel serves requests. It is safe for concurrent use.
type Kernel struct {
	cfg      *config.Config
	db       *store.DB
	bus      *events.Bus
	shell    skills.ShellSkill
	files    skills.FileSkill
	memory   skills.MemorySkill
	remind   skills.ReminderSkill
	hosts    skills.HostsSkill
	registry *router.Registry
	secrets  []string // configured secret values, removed from audit text
	remote   func(name string) (hosts.Transport, error)
	box      *sandbox.Box

	// secretMu guards the values of secret facts, kept until the facts
	// change (see secretFacts).
	secretMu      sync.Mutex
	secretVersion string
	secretCache   []string

	models     ModelFactory
	modelsOnce sync.Once
	caller     providers.Caller
	callerErr  error
}

// New builds a Kernel.
func New(o Options) *Kernel {
	protectData(o.Config, o.UserHome)
	box := o.Sandbox
	if box == nil {
		box = sandbox.New(sandbox.Mode(o.Config.File.Sandbox), o.UserHome, o.Config.SecretPaths(o.UserHome))
	}
	return &Kernel{
		box: box,
		cfg: o.Config, remote: o.Transports,
		db:  o.DB,
		bus: o.Bus,
		shell: skills.ShellSkill{
			Shell:   hosts.UserShell(o.Environ),
			Timeout: o.Config.ShellTimeout,
			Dir:     o.WorkDir,
		},
		files: skills.FileSkill{Root: o.UserHome, WorkDir: o.WorkDir, DataDir: o.Config.Home,
			DataFiles: []string{o.Config.DBPath, o.Config.LogPath, o.Config.FilePath}},
		memory:   skills.MemorySkill{DB: o.DB},
		remind:   skills.ReminderSkill{Store: o.Reminders, Loc: o.Location, Now: o.Now},
		hosts:    skills.HostsSkill{Fleet: o.Hosts, Now: o.Now},
		registry: router.DefaultRegistry(),
		secrets:  secretValues(o.Config),
		models:   o.Models,
	}
}

// Sandbox returns the sandbox a model's unasked commands run in.
func (k *Kernel) Sandbox() *sandbox.Box { return k.box }

// Bus returns the kernel's event bus (nil when it has none).
func (k *Kernel) Bus() *events.Bus { return k.bus }

// secretValues lists every secret value the configuration holds (API
// keys, URL passwords, secret-looking .env values: config.SecretValues).
func secretValues(cfg *config.Config) []string {
	return cfg.SecretValues()
}

// modelCaller returns the model layer, building it on first use.
func (k *Kernel) modelCaller(ctx context.Context) (providers.Caller, error) {
	k.modelsOnce.Do(func() {
		if k.models == nil {
			k.callerErr = providers.ErrNotConfigured
			return
		}
		k.caller, k.callerErr = k.models(ctx)
		if k.callerErr == nil {
			k.caller = k.outbound(k.caller)
		}
	})
	return k.caller, k.callerErr
}

// budgeted wraps the model layer for one turn: caps checked before every
// call, spending recorded, warnings kept for the turn's result.
func (k *Kernel) budgeted(next providers.Caller, t *turn) providers.Caller {
	return &providers.Budgeted{
		Next:   next,
		Ledger: Ledger{DB: k.db, Source: string(t.req.Source)},
		Limits: providers.Limits{
			SessionUSD: k.cfg.SessionBudgetUSD, DailyUSD: k.cfg.DailyBudgetUSD,
			MonthlyUSD: k.cfg.MonthlyBudgetUSD, Downgrade: k.cfg.File.Budget.Downgrade,
		},
		Prices:   providers.NewPriceTable(k.cfg.File.Prices),
		ModelFor: func(t tier.Tier) string { return k.cfg.Models[t] },
		OnWarning: func(w providers.BudgetWarning) {
			t.warnings = append(t.warnings, w.String())
			k.bus.Publish(events.BudgetWarning{TurnID: string(t.id), Message: w.String()})
		},
	}
}

// Run serves one request and records it. It never panics on bad input: every
// failure comes back as a Result with Success false and an Error sentence.
func (k *Kernel) Run(ctx context.Context, req Request) Result {
	start := time.Now()
	res := Result{TurnID: req.TurnID, Session: req.Session}
	if res.TurnID == "" {
		res.TurnID = store.NewTurnID()
	}
	if strings.TrimSpace(req.Input) == "" {
		res.Error = ErrEmptyInput.Error()
		return res
	}
	k.bus.Publish(events.RunStarted{TurnID: string(res.TurnID), Input: redact.String(req.Input, k.secrets...),
		Source: string(req.Source), Session: req.Session, At: start})

	t := &turn{req: req, id: res.TurnID}
	if req.Session != "" {
		var err error
		if t.session, err = k.db.EnsureSession(ctx, req.Session); err != nil {
			res.Error = fmt.Sprintf("session %q: %v", req.Session, err)
			return k.finish(ctx, req, res, start, nil)
		}
	}

	d := router.DecideWith(req.Input, k.registry)
	res.Route, res.Skill, res.Tier = d.Route, d.Intent.Skill, d.Intent.Tier
	needsModel := d.NeedsModel()
	var sr skills.Result
	if !needsModel {
		k.bus.Publish(events.RouteDecided{TurnID: string(res.TurnID), Route: string(res.Route), Skill: string(res.Skill), Tier: res.Tier})
		sr = k.runIntent(ctx, t, d, chooserOf(d.Route))
		// A memory lookup that found nothing is a question a model may
		// still answer ("what is my IP address"), when one is configured;
		// without one it is simply not stored.
		// So is a host question naming no host ("disk usage of photos").
		needsModel = sr.Miss && (d.Intent.Skill == skills.Memory && d.Intent.Action == "recall" || d.Intent.Skill == skills.Hosts) &&
			k.modelAvailable(ctx)
		if needsModel {
			miss := routeMemoryMiss
			if d.Intent.Skill == skills.Hosts {
				miss = routeHostsMiss
			}
			d = router.Decision{Route: miss, Intent: skills.Intent{Skill: skills.Chat, Input: req.Input, Tier: d.Intent.Tier}, TierKeyword: d.TierKeyword}
		}
	}
	var m *meter
	if needsModel {
		var out modelOutcome
		out, m = k.runModel(ctx, t, d)
		if t.stream != nil {
			// Every token of the turn is published before RunCompleted, so
			// a front end that has seen the completion has the whole answer.
			t.stream.finish()
		}
		sr, res.Route, res.Skill, res.Tier = out.Result, out.route, out.skill, out.tier
		res.PlanSteps, res.Cancelled = out.planSteps, out.cancelled
		res.Warnings = t.warnings
		res.Streamed = t.stream != nil && t.stream.streamed()
	}
	res.Output, res.Success, res.Error, res.ExitCode = sr.Output, sr.Success, sr.Error, sr.ExitCode
	res.Action, res.ChosenBy, res.Refused, res.unrecorded = t.action, t.chosenBy, t.refused, t.unrecorded
	res.Sandbox = t.sandbox
	if res.ChosenBy == "" {
		res.ChosenBy = ChosenByUser // a question answered by chat
	}
	return k.finish(ctx, req, res, start, m)
}

// runModel serves a request that needs a model.
func (k *Kernel) runModel(ctx context.Context, t *turn, d router.Decision) (modelOutcome, *meter) {
	out := modelOutcome{route: d.Route, skill: d.Intent.Skill, tier: d.Intent.Tier}
	caller, err := k.modelCaller(ctx)
	if err != nil {
		out.Error = modelError(err)
		return out, nil
	}
	t.caller = newMeter(k.budgeted(caller, t), t.req.Session)
	t.stream = newStream(k.bus, string(t.id))
	t.history = k.history(ctx, t.session)
	t.episodes = k.episodes(ctx, t.session)

	// Only requests nothing deterministic recognised are classified; a
	// memory miss is already known to be a question for chat.
	if d.Route == router.RouteFallback {
		d = k.classify(ctx, t, d)
	}
	k.bus.Publish(events.RouteDecided{TurnID: string(t.id), Route: string(d.Route), Skill: string(d.Intent.Skill), Tier: d.Intent.Tier})
	if d.Intent.Skill == skills.Agent {
		return k.runAgent(ctx, t, d), t.caller
	}
	if d.Intent.Skill != skills.Chat {
		// The classifier chose a deterministic skill, with its parameters.
		out.Result = k.runIntent(ctx, t, d, ChosenByClassifier)
		out.route, out.skill, out.tier = d.Route, d.Intent.Skill, d.Intent.Tier
		return out, t.caller
	}
	return k.answer(ctx, t, d), t.caller
}

// dispatch runs the deterministic skill a decision names.
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

// finish fills in the model usage, keeps the turn in its session, writes
// the audit entry and publishes the completion.
func (k *Kernel) finish(ctx context.Context, req Request, res Result, start time.Time, m *meter) Result {
	if req.Session != "" && res.Route != "" {
		if err := k.remember(ctx, req.Session, res, req.Input); err != nil {
			res.Success = false
			res.Error = joinSentences(res.Error, fmt.Sprintf("could not save the turn to session %q: %v", req.Session, err))
		}
		if m != nil && ctx.Err() == nil {
			// Only a turn that already uses a model pays for compaction:
			// deterministic turns never call one.
			k.compact(ctx, m, req.Session)
		}
	}
	if m != nil {
		u := m.totals()
		res.LLMCalls, res.PromptTokens, res.CompletionTokens = u.calls, u.prompt, u.completion
		res.Tokens, res.CostUSD, res.Model, res.Providers = u.prompt+u.completion, u.cost, u.model, u.providers
	}
	res.Elapsed = time.Since(start)
	if err := k.audit(ctx, req, res); err != nil && !res.unrecorded {
		res.AuditErr = err
	}
	k.bus.Publish(events.RunCompleted{TurnID: string(res.TurnID), Skill: string(res.Skill), Error: res.Error,
		Success: res.Success, Tier: res.Tier, Model: res.Model, Elapsed: res.Elapsed})
	return res
}

// remember appends the turn to a named session's context.
func (k *Kernel) remember(ctx context.Context, session string, res Result, input string) error {
	// Like the audit entry, a cancelled run's turn is still kept.
	ctx = context.WithoutCancel(ctx)
	s, ok, err := k.db.SessionByName(ctx, session)
	if err != nil || !ok {
		return err
	}
	// A cancelled answer is kept as it was shown, with its marker.
	reply := res.Transcript()
	if !res.Success && res.Error != "" {
		reply = joinSentences(reply, "Error: "+res.Error)
	}
	now := time.Now()
	return k.db.AppendEntries(ctx, s.ID,
		store.Entry{TurnID: res.TurnID, Role: store.RoleUser, Content: input, Skill: string(res.Skill), CreatedAt: now},
		store.Entry{TurnID: res.TurnID, Role: store.RoleAssistant, Content: reply, Skill: string(res.Skill), CreatedAt: now},
	)
}

// audit writes the run's one audit entry, with secrets removed from the input.
func (k *Kernel) audit(ctx context.Context, req Request, res Result) error {
	// The audit entry is written even when the caller's context was
	// cancelled (ctrl+c): a cancelled run is still a run.
	ctx = context.WithoutCancel(ctx)
	_, err := k.db.AppendAudit(ctx, store.AuditEntry{
		TurnID:           res.TurnID,
		Time:             time.Now(),
		Session:          req.Session,
		Source:           string(req.Source),
		Input:            redact.String(req.Input, k.secrets...),
		Route:            string(res.Route),
		Skill:            string(res.Skill),
		Tier:             res.Tier.String(),
		Model:            res.Model,
		Success:          res.Success,
		Error:            redact.String(res.Error, k.secrets...),
		PromptTokens:     res.PromptTokens,
		CompletionTokens: res.CompletionTokens,
		CostUSD:          res.CostUSD,
		ElapsedMS:        res.Elapsed.Milliseconds(),
		PlanSteps:        res.PlanSteps,
		Providers:        strings.Join(res.Providers, ","),
		LLMCalls:         res.LLMCalls,
		Action:           redact.String(res.Action, k.secrets...),
		ChosenBy:         string(res.ChosenBy),
		Sandbox:          res.Sandbox,
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
