package router

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/tier"
)

// Classifier settings.
const (
	ClassifierMaxTokens    = 512
	classifierHistory      = 8    // history messages sent, newest last
	classifierHistoryChars = 2000 // each history message is cut to this many characters
	// lowConfidence is the confidence under which a non-chat answer is
	// asked again one tier up.
	lowConfidence = 0.5
	// unknownConfidence is the confidence of the chat fallback for an
	// answer naming no known skill, or lacking its parameters.
	unknownConfidence = 0.3
	// defaultConfidence stands in for a missing or null confidence.
	defaultConfidence = 0.5
)

// ErrUnparseable marks a classifier answer that is not a usable JSON
// object.
var ErrUnparseable = errors.New("unparseable classifier answer")

// Classification is one classifier answer, as parsed.
type Classification struct {
	Skill      string            // as the model wrote it, lower case, "_skill" suffix removed; "chat" when absent
	Parameters map[string]string // flat; never nil
	Confidence float64           // 0..1
	Reasoning  string
}

// ParseClassification reads a classifier answer tolerantly: blanks, a code
// fence anywhere, or prose around the object are ignored. It never panics.
// A missing or null confidence is 0.5, a number is clamped to 0..1, a
// numeric string is read; any other confidence, a skill that is not a
// string, or no object at all (a top-level array, null, a number, a
// string, garbage) is ErrUnparseable. A parameters value that is not an
// object is {}; its values become strings (numbers and booleans as
// written, nested values as compact JSON, nulls dropped).
func ParseClassification(text string) (Classification, error) {
	obj, err := ExtractJSONObject(text)
	if err != nil {
		return Classification{}, fmt.Errorf("%w: %w", ErrUnparseable, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &raw); err != nil {
		return Classification{}, fmt.Errorf("%w: %v", ErrUnparseable, err)
	}
	c := Classification{Skill: string(skills.Chat), Confidence: defaultConfidence, Parameters: map[string]string{}}

	skillRaw, ok := raw["skill"]
	if !ok {
		skillRaw, ok = raw["skill_name"] // the original program's key
	}
	if ok && !isNull(skillRaw) {
		var s string
		if err := json.Unmarshal(skillRaw, &s); err != nil {
			return Classification{}, fmt.Errorf("%w: skill is not a string", ErrUnparseable)
		}
		if s = normalizeSkillName(s); s != "" {
			c.Skill = s
		}
	}

	if confRaw, ok := raw["confidence"]; ok && !isNull(confRaw) {
		conf, err := parseConfidence(confRaw)
		if err != nil {
			return Classification{}, fmt.Errorf("%w: %w", ErrUnparseable, err)
		}
		c.Confidence = conf
	}

	if p, ok := raw["parameters"]; ok {
		c.Parameters = flatParams(p)
	}
	if r, ok := raw["reasoning"]; ok {
		_ = json.Unmarshal(r, &c.Reasoning) // not a string: no reasoning
	}
	return c, nil
}

func isNull(r json.RawMessage) bool { return strings.TrimSpace(string(r)) == "null" }

// normalizeSkillName lower-cases a skill name and removes the original
// program's "_skill" suffix ("shell_skill" → "shell").
func normalizeSkillName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimSuffix(s, "_skill")
}

// parseConfidence reads a number or a numeric string, clamped to 0..1.
func parseConfidence(r json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(r, &f); err != nil {
		var s string
		if json.Unmarshal(r, &s) != nil {
			return 0, fmt.Errorf("confidence %s is not a number", r)
		}
		f, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 0, fmt.Errorf("confidence %q is not a number", s)
		}
	}
	switch {
	case f != f: // NaN from a string such as "NaN"
		return 0, fmt.Errorf("confidence is not a number")
	case f < 0:
		return 0, nil
	case f > 1:
		return 1, nil
	}
	return f, nil
}

// flatParams turns a parameters value into a flat map of strings; a value
// that is not an object gives {}.
func flatParams(r json.RawMessage) map[string]string {
	out := map[string]string{}
	var obj map[string]json.RawMessage
	if json.Unmarshal(r, &obj) != nil {
		return out
	}
	for k, v := range obj {
		if isNull(v) {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		// Numbers and booleans as written; objects and arrays as
		// compact JSON.
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err == nil {
			out[k] = buf.String()
		} else {
			out[k] = strings.TrimSpace(string(v))
		}
	}
	return out
}

// Classifier asks a nano-tier model which skill serves a request that no
// deterministic route took.
type Classifier struct {
	Caller providers.Caller
	// Skills the model may choose; nil means BuiltinSkillInfo. Chat is
	// always allowed.
	Skills []SkillInfo
	// Priority of the classifier's calls; the zero value is Interactive.
	Priority providers.Priority
}

// Outcome is everything one classification did: the decision, the answer
// it came from and the calls it cost.
type Outcome struct {
	Decision Decision
	// Answer is the classification kept, before validation; the zero
	// value when every attempt failed.
	Answer Classification
	// Calls are the model calls that answered, in order, for cost and
	// audit.
	Calls []providers.Result
	// Err says why the classifier fell back to chat with confidence 0;
	// nil when an answer was kept.
	Err error
}

// Classify picks a skill for input with one nano call (temperature 0,
// JSON, at most 512 tokens), seeing the last 8 user and assistant
// messages of history. An unparseable answer or a failed call is retried
// once on haiku; a non-chat answer under 0.5 confidence is asked again on
// haiku and the more confident answer kept. When everything fails the
// decision is chat with confidence 0. The decision's tier is keywordTier
// when keywordTierSet, else nano, on every path.
//
// The returned Decision is always usable. The error is non-nil only when
// ctx ended; the reason for any other fallback is in Run's Outcome.
func (c *Classifier) Classify(ctx context.Context, input string, history []providers.Message, keywordTier tier.Tier, keywordTierSet bool) (Decision, error) {
	out := c.Run(ctx, input, history, keywordTier, keywordTierSet)
	if err := ctx.Err(); err != nil {
		return out.Decision, fmt.Errorf("classify request: %w", err)
	}
	return out.Decision, nil
}

// Run classifies like Classify and reports everything it did.
func (c *Classifier) Run(ctx context.Context, input string, history []providers.Message, keywordTier tier.Tier, keywordTierSet bool) Outcome {
	t := tier.Nano
	if keywordTierSet {
		t = keywordTier
	}
	infos := c.skills()
	msgs := c.Messages(input, history)
	var out Outcome

	first, err := c.attempt(ctx, tier.Nano, msgs, &out)
	if err != nil {
		second, err2 := c.attempt(ctx, tier.Haiku, msgs, &out)
		if err2 != nil {
			out.Err = fmt.Errorf("classify on nano: %w; retry on haiku: %w", err, err2)
			out.Decision = fallbackDecision(input, t, keywordTierSet)
			return out
		}
		first = second
	} else if first.Confidence < lowConfidence && first.Skill != string(skills.Chat) {
		if second, err2 := c.attempt(ctx, tier.Haiku, msgs, &out); err2 == nil && second.Confidence > first.Confidence {
			first = second
		}
	}
	out.Answer = first
	out.Decision = decisionFor(first, infos, input, t, keywordTierSet)
	return out
}

// Messages builds the classifier's messages: the system prompt, the last
// 8 user and assistant messages of history, then input.
func (c *Classifier) Messages(input string, history []providers.Message) []providers.Message {
	msgs := []providers.Message{{Role: providers.RoleSystem, Content: systemPrompt(c.skills())}}
	var kept []providers.Message
	for i := len(history) - 1; i >= 0 && len(kept) < classifierHistory; i-- {
		m := history[i]
		if (m.Role != providers.RoleUser && m.Role != providers.RoleAssistant) || strings.TrimSpace(m.Content) == "" {
			continue
		}
		kept = append(kept, providers.Message{Role: m.Role, Content: cut(m.Content, classifierHistoryChars)})
	}
	for i := len(kept) - 1; i >= 0; i-- {
		msgs = append(msgs, kept[i])
	}
	return append(msgs, providers.Message{Role: providers.RoleUser, Content: input})
}

func (c *Classifier) skills() []SkillInfo {
	if c.Skills == nil {
		return BuiltinSkillInfo()
	}
	return c.Skills
}

// attempt makes one classifier call at t and parses the answer.
func (c *Classifier) attempt(ctx context.Context, t tier.Tier, msgs []providers.Message, out *Outcome) (Classification, error) {
	if c.Caller == nil {
		return Classification{}, providers.ErrNotConfigured
	}
	zero := 0.0
	res, err := c.Caller.Call(ctx, providers.Call{
		Tier:     t,
		Priority: c.Priority,
		Request: providers.Request{
			Messages:    msgs,
			Temperature: &zero,
			MaxTokens:   ClassifierMaxTokens,
			JSON:        true,
		},
	})
	if err != nil {
		return Classification{}, fmt.Errorf("call: %w", err)
	}
	out.Calls = append(out.Calls, res)
	return ParseClassification(res.Content)
}

// decisionFor validates an answer against infos and builds the decision:
// an unknown skill, an unknown action or a missing required parameter
// becomes chat with confidence 0.3.
func decisionFor(c Classification, infos []SkillInfo, input string, t tier.Tier, tierSet bool) Decision {
	d := Decision{Route: RouteClassifier, TierKeyword: tierSet, Confidence: c.Confidence,
		Intent: skills.Intent{Skill: skills.Chat, Args: map[string]string{}, Input: input, Tier: t}}
	if c.Skill == string(skills.Chat) {
		return d
	}
	info, ok := findSkill(infos, c.Skill)
	if !ok {
		d.Confidence = unknownConfidence
		return d
	}
	args := make(map[string]string, len(c.Parameters))
	for k, v := range c.Parameters {
		if k != "action" {
			args[k] = v
		}
	}
	action, ok := info.resolveAction(c.Parameters["action"])
	if !ok {
		d.Confidence = unknownConfidence
		return d
	}
	in := skills.Intent{Skill: info.Name, Action: action, Args: args, Input: input, Tier: t}
	if info.Normalize != nil {
		info.Normalize(&in)
	}
	if info.missing(in.Action, in.Args) != "" {
		d.Confidence = unknownConfidence
		return d
	}
	d.Intent = in
	return d
}

func findSkill(infos []SkillInfo, name string) (SkillInfo, bool) {
	for _, s := range infos {
		if strings.EqualFold(string(s.Name), name) {
			return s, true
		}
	}
	return SkillInfo{}, false
}

// fallbackDecision is the classifier's answer when no model answered:
// chat, confidence 0, the tier the input's words asked for.
func fallbackDecision(input string, t tier.Tier, tierSet bool) Decision {
	return Decision{Route: RouteClassifier, TierKeyword: tierSet, Confidence: 0,
		Intent: skills.Intent{Skill: skills.Chat, Args: map[string]string{}, Input: input, Tier: t}}
}

// cut shortens s to at most n characters, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
