package router

import (
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/lazy"
)

// shellTriggers ask for one shell command, which follows the phrase.
var shellTriggers = []string{
	"run command", "run the command", "run this command", "run shell command",
	"execute command", "execute the command", "execute this command", "execute shell command",
}

var shellTriggerWords = lazy.New(func() [][]string { return splitPhrases(shellTriggers) })

// fileTriggers name a file operation; the path (and for writes the text)
// follows, in the shapes fileIntent knows.
var fileTriggers = []string{
	"read file", "read the file", "show file", "show the file", "open file", "open the file",
	"list directory", "list the directory", "list dir", "list folder", "list the folder", "list files in",
	"show directory", "show the directory", "show folder",
	"write file", "write to file", "write to the file", "write the file", "save file", "save to file", "save to the file",
	"does file", "does the file", "does directory", "does the directory",
}

// BuiltinSkills are the keyword triggers of the skills Macroa ships. A
// tool adds its own with Registry.Add: triggers are data, and
// TextAfterTrigger covers the common one-parameter shape.
func BuiltinSkills() []Skill {
	return []Skill{
		{
			Name:        skills.Shell,
			Description: "runs one shell command on this machine and shows its output",
			Triggers:    shellTriggers,
			Params:      shellParams,
		},
		{
			Name:        skills.File,
			Description: "reads, writes, lists or checks a file or directory",
			Triggers:    fileTriggers,
			Params:      fileParams,
		},
	}
}

// shellParams finds the command after "run command", "execute command" …
// at the start of the request: "run command df -h" → command "df -h".
// "please execute the plan" has no trigger and no command.
func shellParams(text string) (map[string]string, bool) {
	cmd, ok := afterLeadingTrigger(text, shellTriggerWords.Get())
	if !ok {
		return nil, false
	}
	return map[string]string{"action": "run", "command": cmd}, true
}

// fileParams finds the path (and content) of a file request in the shapes
// the file shortcut knows, after politeness words: "please read file
// /etc/hosts" → read /etc/hosts.
func fileParams(text string) (map[string]string, bool) {
	in, ok := fileIntent(stripPolite(text))
	if !ok || in.Args["path"] == "" {
		return nil, false
	}
	out := make(map[string]string, len(in.Args)+1)
	for k, v := range in.Args {
		out[k] = v
	}
	out["action"] = in.Action
	return out, true
}
