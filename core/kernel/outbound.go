package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/redact"
)

// outbound is the last layer before the model: every request leaves with
// the configured secrets, the values of secret facts and anything shaped
// like a key replaced by redact.Marker, in every message (system prompt,
// history, episodes, tool output) and every tool call's arguments. Every
// path to a model (classifier, planner, combiner, chat, agent, compaction)
// goes through it, so no one of them has to remember to.
type outbound struct {
	next    providers.Caller
	secrets []string // configured secret values (config.SecretValues)
	// facts lists the values of facts whose keys name a secret. It is read
	// on every call, not once a turn: an agent may store a password in one
	// round and print it in the next.
	facts func(ctx context.Context) ([]string, error)

	// memo keeps the redacted text of long messages: the agent and a
	// session resend the same ones on every call, and the patterns cost
	// tens of milliseconds over a long tool output.
	mu       sync.Mutex
	memoWith string // the known values the memo was made with
	memo     map[string]string
}

// Messages shorter than memoMin are redacted afresh every time; the memo
// holds at most memoMax of the longer ones, then starts over.
const (
	memoMin = 512
	memoMax = 256
)

func (o *outbound) Call(ctx context.Context, c providers.Call) (providers.Result, error) {
	known := o.secrets
	if o.facts != nil {
		vals, err := o.facts(ctx)
		if err != nil {
			// Unknown secrets could leave: send nothing.
			return providers.Result{}, fmt.Errorf("check the request for secrets: %w", err)
		}
		known = append(slices.Clip(known), vals...)
	}
	c.Request.Messages = o.redactMessages(c.Request.Messages, known)
	return o.next.Call(ctx, c)
}

// Unwrap lets a budget see the gateway below (providers.Unwrapper): a local
// server's calls are priced by config.toml alone.
func (o *outbound) Unwrap() providers.Caller { return o.next }

// text redacts one message's text, through the memo when it is long.
func (o *outbound) text(s string, known []string, with string) string {
	if len(s) < memoMin {
		return redact.String(s, known...)
	}
	o.mu.Lock()
	if o.memo == nil || o.memoWith != with || len(o.memo) >= memoMax {
		o.memoWith, o.memo = with, map[string]string{}
	}
	r, ok := o.memo[s]
	o.mu.Unlock()
	if ok {
		return r
	}
	r = redact.String(s, known...)
	o.mu.Lock()
	if o.memoWith == with {
		o.memo[s] = r
	}
	o.mu.Unlock()
	return r
}

// redactMessages returns a redacted copy; the caller's messages are not
// changed (the agent keeps its own conversation).
func (o *outbound) redactMessages(msgs []providers.Message, known []string) []providers.Message {
	with := strings.Join(known, "\x00")
	out := make([]providers.Message, len(msgs))
	for i, m := range msgs {
		m.Content = o.text(m.Content, known, with)
		if len(m.ToolCalls) > 0 {
			calls := make([]providers.ToolCall, len(m.ToolCalls))
			for j, tc := range m.ToolCalls {
				tc.Arguments = redactJSON(tc.Arguments, known)
				calls[j] = tc
			}
			m.ToolCalls = calls
		}
		out[i] = m
	}
	return out
}

// redactJSON redacts the strings inside a tool call's JSON arguments, so
// the arguments stay valid JSON (a pattern over the raw text could eat a
// closing quote). Text that is not JSON is redacted as text.
func redactJSON(args string, known []string) string {
	if args == "" {
		return args
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(args)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return redact.String(args, known...)
	}
	v, changed := redactValue(v, known)
	if !changed {
		return args
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return redact.String(args, known...)
	}
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

// redactValue redacts every string (keys included) in a decoded JSON value.
func redactValue(v any, known []string) (any, bool) {
	switch x := v.(type) {
	case string:
		r := redact.String(x, known...)
		return r, r != x
	case []any:
		changed := false
		for i, e := range x {
			var c bool
			x[i], c = redactValue(e, known)
			changed = changed || c
		}
		return x, changed
	case map[string]any:
		out := make(map[string]any, len(x))
		changed := false
		for k, e := range x {
			rk := redact.String(k, known...)
			re, c := redactValue(e, known)
			changed = changed || c || rk != k
			out[rk] = re
		}
		return out, changed
	}
	return v, false
}

// outbound wraps the model layer so nothing secret reaches a model.
func (k *Kernel) outbound(next providers.Caller) providers.Caller {
	return &outbound{next: next, secrets: k.secrets, facts: k.secretFacts}
}

// secretFacts lists the values of live facts whose keys name a secret
// (redact.SecretName), with the parts of them that are secrets alone (the
// password of a "user:password" login, redact.ValueParts): they are shown
// to the person on request but never sent to a model.
//
// The list is kept until the facts change (store.FactsVersion, one cheap
// query), so a model call does not read every fact.
func (k *Kernel) secretFacts(ctx context.Context) ([]string, error) {
	version, err := k.db.FactsVersion(ctx)
	if err != nil {
		return nil, err
	}
	k.secretMu.Lock()
	defer k.secretMu.Unlock()
	if version == k.secretVersion {
		return k.secretCache, nil
	}
	facts, err := k.db.ListFacts(ctx, "", 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range facts {
		if redact.SecretName(f.Key) {
			out = append(out, redact.ValueParts(f.Value)...)
		}
	}
	k.secretVersion, k.secretCache = version, out
	return out, nil
}
