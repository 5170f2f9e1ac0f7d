package router

import (
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/lazy"
)

// A path: a quoted string or one word without blanks.
const pathPat = `("[^"]+"|'[^']+'|\S+)`

var (
	fileReadRe   = lazy.NewRegexp(`(?i)^(?:read|show|cat|open|print)\s+(?:the\s+)?file\s+` + pathPat + `\s*$`)
	fileListRe   = lazy.NewRegexp(`(?i)^(?:list|ls|show)\s+(?:the\s+)?(?:directory|dir|folder|files\s+in)\s+` + pathPat + `\s*$`)
	fileWriteRe  = lazy.NewRegexp(`(?is)^(?:write|save)\s+(?:to\s+)?(?:the\s+)?file\s+` + pathPat + `\s*(?::[ \t]?|\n)(.*)$`)
	fileExistsRe = lazy.NewRegexp(`(?i)^(?:does\s+)?(?:the\s+)?(?:file|path|directory|dir)\s+` + pathPat + `\s+exists?\s*\??\s*$`)
)

// fileIntent recognises the file shortcuts, each with its path pulled out
// of the text: "read file ~/notes.txt", "list directory ~/src",
// "write file ~/todo.txt: buy milk", "does file ~/x exist?".
func fileIntent(text string) (skills.Intent, bool) {
	file := func(action, path string, extra ...string) skills.Intent {
		args := map[string]string{"path": trimQuotes(path)}
		if len(extra) == 2 {
			args[extra[0]] = extra[1]
		}
		return skills.Intent{Skill: skills.File, Action: action, Args: args}
	}
	switch firstWord(text) {
	case "read", "cat", "open", "print":
		if m := fileReadRe.Get().FindStringSubmatch(text); m != nil {
			return file("read", m[1]), true
		}
	case "show":
		if m := fileReadRe.Get().FindStringSubmatch(text); m != nil {
			return file("read", m[1]), true
		}
		if m := fileListRe.Get().FindStringSubmatch(text); m != nil {
			return file("list", m[1]), true
		}
	case "list", "ls":
		if m := fileListRe.Get().FindStringSubmatch(text); m != nil {
			return file("list", m[1]), true
		}
	case "write", "save":
		if m := fileWriteRe.Get().FindStringSubmatch(text); m != nil {
			return file("write", m[1], "content", m[2]), true
		}
	case "does", "the", "file", "path", "directory", "dir":
		if m := fileExistsRe.Get().FindStringSubmatch(text); m != nil {
			return file("exists", m[1]), true
		}
	}
	return skills.Intent{}, false
}
