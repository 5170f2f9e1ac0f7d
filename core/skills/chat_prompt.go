package skills

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/store"
)

// Memory offered to a model: pinned facts always, then the best matches for
// the input, within a character budget so facts never crowd out the
// conversation.
const (
	maxPinnedFacts   = 20
	maxRelevantFacts = 8
	factCharBudget   = 2000
)

const identity = `You are Macroa, a personal AI OS running on the user's own machine, answering to them.
Be direct and concise. Use Markdown only when it helps (lists, code).
Shell commands, memory, files and reminders are handled without you: the user types !cmd to run a command,
and "remind me in 10 minutes to …" (or at 17:30, tomorrow 9am, every monday at 9) to set a reminder; you cannot set one.`

// systemPrompt builds the chat system prompt for input.
func (c ChatSkill) systemPrompt(ctx context.Context, input string, episodes []string) string {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now()
	var b strings.Builder
	fmt.Fprintf(&b, "Current time: %s (%s)\n\n", t.Format("Monday 2 January 2006, 15:04"), t.Location())
	b.WriteString(identity)
	if c.UserName != "" {
		fmt.Fprintf(&b, "\nThe user's name is %s.", c.UserName)
	}
	if mem := c.memoryBlock(ctx, input); mem != "" {
		b.WriteString("\n\n")
		b.WriteString(mem)
	}
	if len(episodes) > 0 {
		b.WriteString("\n\n## Earlier in this conversation (compacted)\n")
		for _, e := range episodes {
			b.WriteString("- " + e + "\n")
		}
	}
	if c.Instructions != "" {
		b.WriteString("\n\n")
		b.WriteString(c.Instructions)
	}
	return b.String()
}

// memoryBlock lists what the user has told Macroa that may matter here. A
// fact whose key names a secret (redact.SecretName: a password, a token, a
// PIN...) is named but its value is never put in a prompt; the person sees
// it by asking for it, which no model answers.
func (c ChatSkill) memoryBlock(ctx context.Context, input string) string {
	if c.DB == nil {
		return ""
	}
	var pinned, relevant []store.Fact
	seen := map[string]bool{}
	if all, err := c.DB.ListFacts(ctx, "", maxPinnedFacts); err == nil {
		for _, f := range all {
			if f.Pinned {
				pinned = append(pinned, f)
				seen[f.Namespace+"/"+f.Key] = true
			}
		}
	}
	if hits, err := c.DB.SearchFacts(ctx, input, maxRelevantFacts); err == nil {
		budget := factCharBudget
		for _, f := range pinned {
			budget -= len(f.Key) + len(promptValue(f)) + 6
		}
		for _, f := range hits {
			cost := len(f.Key) + len(promptValue(f)) + 6
			if seen[f.Namespace+"/"+f.Key] || cost > budget {
				continue
			}
			budget -= cost
			relevant = append(relevant, f)
		}
	}
	var b strings.Builder
	if len(pinned) > 0 {
		b.WriteString("## What I know about you\n")
		for _, f := range pinned {
			fmt.Fprintf(&b, "- **%s**: %s\n", f.Key, promptValue(f))
		}
	}
	if len(relevant) > 0 {
		b.WriteString("### Also relevant\n")
		for _, f := range relevant {
			fmt.Fprintf(&b, "- **%s**: %s\n", f.Key, promptValue(f))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// secretHidden stands in a prompt for the value of a secret fact.
const secretHidden = "(kept secret: not shown to the model; the user sees it by asking Macroa for it)"

// promptValue is what a prompt may say of a fact's value.
func promptValue(f store.Fact) string {
	if redact.SecretName(f.Key) {
		return secretHidden
	}
	return f.Value
}
