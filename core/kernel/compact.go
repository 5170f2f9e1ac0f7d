package kernel

import (
	"context"
	"fmt"
	"strings"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/tier"
)

// Compaction: when a session's context outgrows the window, the entries
// that fell out are summarised into an episode, so a long conversation
// keeps its gist without resending it all.
const (
	compactMin      = 8     // entries (four turns) worth a summary call
	compactEntryMax = 2000  // characters of one entry given to the summariser
	compactTotalMax = 12000 // characters of transcript in one summary call
	episodesInChat  = 4     // episodes offered to the chat prompt
)

const compactPrompt = "Summarise this part of a conversation between a user and their assistant in one to three sentences. " +
	"Keep facts, decisions and open questions; drop pleasantries. Reply with the summary only."

// compact summarises a session's entries that left the context window.
// Failures are quiet: the conversation is unharmed, only less remembered.
func (k *Kernel) compact(ctx context.Context, caller providers.Caller, session string) {
	s, ok, err := k.db.SessionByName(ctx, session)
	if err != nil || !ok {
		return
	}
	old, err := k.db.UncompactedBefore(ctx, s.ID, 2*k.cfg.ContextWindow)
	if err != nil || len(old) < compactMin {
		return
	}
	var b strings.Builder
	last := old[0].ID
	for _, e := range old {
		line := fmt.Sprintf("[%s] %s\n", e.Role, cutRunes(e.Content, compactEntryMax))
		if b.Len()+len(line) > compactTotalMax && b.Len() > 0 {
			break
		}
		b.WriteString(line)
		last = e.ID
	}
	temp := 0.0
	res, err := caller.Call(ctx, providers.Call{
		Tier: tier.Nano, Priority: providers.Batch,
		Request: providers.Request{Temperature: &temp, MaxTokens: 200, Messages: []providers.Message{
			{Role: providers.RoleSystem, Content: compactPrompt},
			{Role: providers.RoleUser, Content: b.String()},
		}},
	})
	summary := strings.TrimSpace(res.Content)
	if err != nil || len(summary) < 10 {
		return
	}
	_ = k.db.AddEpisode(context.WithoutCancel(ctx), s.ID, summary, old[0].ID, last)
}

// episodes returns the summaries offered to the chat prompt.
func (k *Kernel) episodes(ctx context.Context, s store.Session) []string {
	if s.ID == "" {
		return nil
	}
	eps, err := k.db.RecentEpisodes(ctx, s.ID, episodesInChat)
	if err != nil {
		return nil
	}
	out := make([]string, len(eps))
	for i, e := range eps {
		out[i] = e.Summary
	}
	return out
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
