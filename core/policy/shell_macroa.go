package policy

// macroaChange says whether a command runs Macroa itself to do anything
// but read: approve or reject what waits, add or change scheduled tasks,
// set the autonomy level, install the daemon. Those are a person's own
// decisions, so a proposal that makes them is critical: neither --yes nor
// a remembered rule covers it, and a person must approve it in so many
// words. A computed argument counts as a change.
func macroaChange(prog string, args []arg) bool {
	if prog != "macroa" {
		return false
	}
	var words []string
	for _, a := range args {
		if !a.static {
			return true
		}
		if len(a.s) > 0 && a.s[0] == '-' {
			if a.s == "--help" || a.s == "-h" {
				return false
			}
			continue
		}
		words = append(words, a.s)
	}
	if len(words) == 0 {
		return true // the REPL: it runs whatever it is then fed
	}
	sub := ""
	if len(words) > 1 {
		sub = words[1]
	}
	switch words[0] {
	case "version", "help", "usage", "logs":
		return false
	case "schedule":
		return sub != "list" && sub != "show" && sub != "history"
	case "approvals":
		return sub != "list" && sub != "show"
	case "daemon":
		return sub != "status"
	case "sessions":
		return sub != "list"
	}
	return true
}
