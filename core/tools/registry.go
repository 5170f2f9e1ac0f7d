package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/macroa/macroa/lazy"
)

// namePattern is what a tool name may be: what function-calling APIs accept
// (letters, digits, _ and -, at most 64), plus dots for a namespace
// ("mcp.github.create_issue").
var namePattern = lazy.NewRegexp(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// Registry holds tools by name, in the order they were registered. The
// zero value is empty and ready; it is safe for concurrent use.
type Registry struct {
	mu    sync.RWMutex
	order []Name
	tools map[Name]Tool
}

// New returns a registry holding list, or the first tool Register refuses.
func New(list ...Tool) (*Registry, error) {
	r := &Registry{}
	for _, t := range list {
		if err := r.Register(t); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// MustNew is New for tables written in code, where a refused tool is a
// programming error: it panics.
func MustNew(list ...Tool) *Registry {
	r, err := New(list...)
	if err != nil {
		panic(err)
	}
	return r
}

// Register adds t. A tool is refused when its name is empty, malformed or
// taken, it has no description, its risk class is unknown, or its schema
// is not a JSON object schema.
func (r *Registry) Register(t Tool) error {
	if err := check(t); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Names are compared ignoring case: the classifier reads a model's
	// choice that way, so "Shell" beside "shell" could never be told apart.
	for _, n := range r.order {
		if strings.EqualFold(string(n), string(t.Name)) {
			return fmt.Errorf("register tool %q: a tool of that name is already registered (%q)", t.Name, n)
		}
	}
	if r.tools == nil {
		r.tools = map[Name]Tool{}
	}
	t.Schema = bytes.Clone(t.Schema) // the registry's own copy
	r.tools[t.Name] = t
	r.order = append(r.order, t.Name)
	return nil
}

// check says what is wrong with t, or nil.
func check(t Tool) error {
	if !namePattern.Get().MatchString(string(t.Name)) {
		return fmt.Errorf("register tool %q: a name is a letter then up to 63 letters, digits, '_', '-' or '.'", t.Name)
	}
	if t.Description == "" {
		return fmt.Errorf("register tool %q: no description", t.Name)
	}
	if !t.Risk.valid() {
		return fmt.Errorf("register tool %q: unknown risk class %d", t.Name, t.Risk)
	}
	if err := checkSchema(t.Schema); err != nil {
		return fmt.Errorf("register tool %q: %w", t.Name, err)
	}
	return nil
}

// checkSchema accepts one JSON object whose "type" is "object".
func checkSchema(raw json.RawMessage) error {
	var s struct {
		Type string `json:"type"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("schema is not a JSON object: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("schema has text after its JSON object")
	}
	if s.Type != "object" {
		return fmt.Errorf("schema's type is %q; the arguments are an object", s.Type)
	}
	return nil
}

// Lookup returns the tool named n.
func (r *Registry) Lookup(n Name) (Tool, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.tools[n]
	return t, ok
}

// Tools lists every tool, in the order registered.
func (r *Registry) Tools() []Tool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Tool, len(r.order))
	for i, n := range r.order {
		out[i] = r.tools[n]
	}
	return out
}

// Names lists every tool's name, in the order registered.
func (r *Registry) Names() []Name {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]Name(nil), r.order...)
}
