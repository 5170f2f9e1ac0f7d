package kernel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers/providertest"
)

// TestModelEscalationMarkerNeverStreams: the router takes an answer whose
// first non-blank line starts with the marker as a request to escalate,
// blanks being spaces, tabs, carriage returns and newlines. The stream
// must hold such an answer back by the same rule: a model that ends its
// lines with \r\n, or indents, must not flash "[[ESCALATE]]" on the
// screen (or leave it there, printed by `macroa run`).
func TestModelEscalationMarkerNeverStreams(t *testing.T) {
	for _, lead := range []string{"\r\n", "\t", " \t\r\n"} {
		t.Run(strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(lead), func(t *testing.T) {
			srv := providertest.New(t)
			f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku")
			srv.Script(classifiedAs("chat"),
				providertest.Reply{Content: lead + "[[ESCALATE]] this needs more thought", Chunks: []string{lead, "[[ESCALATE]]", " this needs", " more thought"}, ChunkDelay: 80 * time.Millisecond},
				providertest.Reply{Content: "A considered answer."})
			var all strings.Builder
			done := follow(t, f.k.Bus(), "sky", func(shown string) { all.WriteString(shown + "|") })
			res := f.k.Run(context.Background(), kernel.Request{TurnID: "sky", Input: "why is the sky blue", Source: kernel.SourceCLI})
			if !res.Success || res.Output != "A considered answer." || res.Tier.String() != "haiku" {
				t.Fatalf("want the haiku answer after one escalation, got %+v", res)
			}
			if got := done(); strings.Contains(all.String(), "ESCALATE") || got.shown != res.Output {
				t.Fatalf("the screen showed %q, ending with %q: want no marker, then the answer", all.String(), got.shown)
			}
		})
	}
}

// TestModelLastEscalationIsNotToldToEscalate: a request climbs at most
// MaxEscalations tiers. The last tier it may reach must not be told to
// hand the question up: no tier would take it, and its answer, the
// marker line, would be stripped to an empty "successful" reply.
func TestModelLastEscalationIsNotToldToEscalate(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku", "MACROA_MODEL_SONNET=m-sonnet")
	srv.Script(classifiedAs("chat"),
		providertest.Reply{Content: "[[ESCALATE]]"},
		providertest.Reply{Content: "[[ESCALATE]]"},
		providertest.Reply{Content: "A considered answer."})
	res := f.k.Run(context.Background(), kernel.Request{Input: "why is the sky blue", Source: kernel.SourceCLI})
	if !res.Success || res.Output != "A considered answer." || res.Tier.String() != "sonnet" {
		t.Fatalf("want the sonnet answer after two escalations, got %+v", res)
	}
	answers := answerRequests(srv)
	if len(answers) != 3 {
		t.Fatalf("%d chat calls, want 3", len(answers))
	}
	for i, r := range answers {
		told := strings.Contains(r.Chat.Messages[0].Content, "[[ESCALATE]]")
		if want := i < 2; told != want {
			t.Errorf("chat call %d (%s) told to escalate = %v, want %v", i, r.Chat.Model, told, want)
		}
	}
}
