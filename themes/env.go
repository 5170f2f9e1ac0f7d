package themes

import "strings"

// NoColor reports whether the environment asks for no colour: NO_COLOR set
// to a non-empty value (https://no-color.org), or TERM=dumb. environ is in
// the form of os.Environ(); as with os.Getenv, the first entry for a name wins.
func NoColor(environ []string) bool {
	var noColor, term string
	var seenNoColor, seenTerm bool
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch {
		case k == "NO_COLOR" && !seenNoColor:
			noColor, seenNoColor = v, true
		case k == "TERM" && !seenTerm:
			term, seenTerm = v, true
		}
	}
	return noColor != "" || term == "dumb"
}
