package kernel

import (
	"testing"

	"github.com/macroa/macroa/core/skills"
)

// TestJudgeUnknownSkillAsks: a skill the gate has no rule for is never
// read-only, so a model that names one (or a tool plugged in later without
// a rule) is asked about, not run.
func TestJudgeUnknownSkillAsks(t *testing.T) {
	k := &Kernel{}
	for _, tc := range []struct {
		skill    skills.Name
		readOnly bool
	}{
		{skills.Chat, true},
		{skills.Agent, true},
		{"mcp.delete_repo", false},
		{"", false},
		{"SHELL", false},
	} {
		j := k.judge(skills.Intent{Skill: tc.skill, Action: "run"})
		if j.readOnly != tc.readOnly || (!tc.readOnly && (j.ask == "" || !j.changes)) {
			t.Errorf("judge(%q) = %+v; want read-only %v, and a reason to ask when not", tc.skill, j, tc.readOnly)
		}
	}
}
