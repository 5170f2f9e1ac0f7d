package router

import (
	"strings"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/lazy"
)

// RouteHosts: a question about the hosts' health, answered from the
// fleet's snapshots ("disk usage on web1", "which services failed").
const RouteHosts Route = "hosts"

var (
	// What a question may open with: "please", "what's the", "show me my".
	hostsLeadRe = lazy.NewRegexp(`^(?:please\s+)?(?:(what(?:'s|\s+is|\s+are)|show(?:\s+me)?|check|get|tell\s+me|give\s+me|list)\s+)?((?:the|my)\s+)?`)
	// A target at the end: "on web1", "of host db.1", "on all hosts".
	hostsAllRe    = lazy.NewRegexp(`\s+(?:on|of|for|across|in)\s+(?:all|every|each|my)(?:\s+(?:of\s+)?(?:my|the))?\s+(?:hosts?|machines?|servers?|boxes)$`)
	hostsTargetRe = lazy.NewRegexp(`\s+(on|of|for|at)\s+(?:(?:the\s+)?(?:host|machine|server|box)\s+)?([a-z0-9][a-z0-9._-]*)$`)
	// "is nginx running", "is nginx.service active on web2".
	hostsUnitRe = lazy.NewRegexp(`^is\s+([a-z0-9][a-z0-9@._:\\-]*)\s+(?:running|active|up)$`)
	// Questions about the hosts that need no target.
	// "how is web1", "how's db.1 doing".
	hostsHowRe     = lazy.NewRegexp(`^how(?:'s|\s+is)\s+([a-z0-9][a-z0-9._-]*)(?:\s+doing)?$`)
	hostsOverallRe = lazy.NewRegexp(`^(?:how\s+are\s+(?:my|the|all(?:\s+(?:my|the))?)\s+(?:hosts|machines|servers|boxes)(?:\s+doing)?|(?:hosts?|fleet|server|machine)\s+(?:status|health)|(?:status|health)\s+of\s+(?:my|the|all(?:\s+(?:my|the))?)\s+(?:hosts|machines|servers))$`)
)

// hostsTopics maps what a question asks for to the skill's action. The
// topic is the whole phrase left once a lead and a target are taken off,
// so "disk usage of my photos folder" (a target of three words) is none.
var hostsTopics = lazy.New(func() map[string]string {
	return map[string]string{
		"disk": "disk", "disks": "disk", "disk usage": "disk", "disk space": "disk", "disk use": "disk",
		"free disk space": "disk", "df": "disk", "df -h": "disk", "storage": "disk", "file systems": "disk",
		"memory": "memory", "memory usage": "memory", "memory use": "memory", "mem": "memory", "ram": "memory",
		"ram usage": "memory", "free memory": "memory", "free -h": "memory",
		"load": "load", "load average": "load", "loadavg": "load", "cpu": "load", "cpu usage": "load", "cpu load": "load", "system load": "load",
		"uptime": "uptime",
		"gpu":    "gpu", "gpus": "gpu", "gpu temperature": "gpu", "gpu temp": "gpu", "gpu temps": "gpu", "gpu usage": "gpu",
		"how hot is the gpu": "gpu", "how hot are the gpus": "gpu", "how hot is my gpu": "gpu", "how hot are my gpus": "gpu",
		"failed units": "failed", "failed services": "failed", "which services failed": "failed", "which units failed": "failed",
		"which services have failed": "failed", "which units have failed": "failed", "any failed services": "failed",
		"any failed units": "failed", "are there failed services": "failed", "are there any failed services": "failed",
		"status": "status", "health": "status",
	}
})

// Topics asked without a target: of every host when the question is
// about something only some hosts report (failed units, GPUs), else of
// this machine ("disk usage", "uptime").
func hostsAllByDefault(action string) bool { return action == "failed" || action == "gpu" }

// hostsIntent recognises questions about the hosts' health. A host named
// after "on" is one the person means ("disk usage on web9": an unknown
// host is said so); after "of" or "for" it may be anything ("disk usage
// of photos"), so the skill reports a name that is no host as a miss a
// model may answer instead.
func hostsIntent(text string) (skills.Intent, bool) {
	s := strings.ToLower(strings.TrimSpace(text))
	s = strings.TrimRight(s, "?!. \t")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 || s == "" {
		return skills.Intent{}, false
	}
	s = strings.TrimPrefix(s, "please ")
	in := skills.Intent{Skill: skills.Hosts, Args: map[string]string{}}
	if hostsOverallRe.Get().MatchString(s) {
		in.Action, in.Args["all"] = "status", "1"
		return in, true
	}
	if m := hostsHowRe.Get().FindStringSubmatch(s); m != nil && !notAHost(m[1]) {
		in.Action = "status"
		return withTarget(in, m[1], false, ""), true
	}
	// The target first: what is left must then be a whole topic.
	rest := s
	target, strong := "", false
	if loc := hostsAllRe.Get().FindStringIndex(s); loc != nil {
		rest, target = s[:loc[0]], "*"
	} else if m := hostsTargetRe.Get().FindStringSubmatchIndex(s); m != nil {
		name := s[m[4]:m[5]]
		if !notAHost(name) {
			rest, target, strong = s[:m[0]], name, s[m[2]:m[3]] == "on" || s[m[2]:m[3]] == "at"
		}
	}
	if m := hostsUnitRe.Get().FindStringSubmatch(rest); m != nil && !notAHost(m[1]) {
		in.Action, in.Args["unit"] = "service", strings.TrimSuffix(m[1], ".service")
		return withTarget(in, target, strong, "local"), true
	}
	lead := hostsLeadRe.Get().FindStringSubmatchIndex(rest)
	topic := strings.TrimSpace(rest[lead[1]:])
	if target == "" && lead[2] >= 0 && strings.HasPrefix(rest[lead[2]:], "what") && lead[4] < 0 {
		// "what is memory", "what is uptime": a question about a word,
		// not about this machine ("what is the memory usage" is).
		return skills.Intent{}, false
	}
	topics := hostsTopics.Get()
	action, ok := topics[topic]
	if !ok {
		action, ok = topics[rest]
	}
	if !ok || (action == "status" && target == "") {
		return skills.Intent{}, false
	}
	in.Action = action
	def := "local"
	if hostsAllByDefault(action) {
		def = "*"
	}
	return withTarget(in, target, strong, def), true
}

// withTarget names the intent's hosts: one, "*" for all, or def.
func withTarget(in skills.Intent, target string, strong bool, def string) skills.Intent {
	switch {
	case target == "*":
		in.Args["all"] = "1"
	case target != "":
		in.Args["host"] = target
		if !strong {
			in.Args["weak"] = "1"
		}
	case def == "*":
		in.Args["all"] = "1"
	default:
		in.Args["host"] = def
	}
	return in
}

// notAHost lists the words a target slot holds that name no host: "on
// it", "of this", "is it running".
func notAHost(w string) bool {
	switch w {
	case "it", "this", "that", "them", "me", "you", "us", "here", "there", "everything", "anything",
		"something", "nothing", "all", "everyone", "today", "now", "the", "a", "an":
		return true
	}
	return false
}
