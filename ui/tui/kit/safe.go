package kit

import "github.com/macroa/macroa/termsafe"

// SafeLine is untrusted text (a task's name, a proposer's summary, a
// command's output) made safe to draw on one line: escape sequences,
// controls and bidi overrides removed (termsafe), white space squeezed to
// single spaces, anything left that is not printable shown as a picture.
func SafeLine(s string) string { return OneLine(termsafe.Clean(s)) }

// SafeBlock is untrusted text made safe to draw, keeping its lines (tabs
// become spaces), for text that is wrapped afterwards.
func SafeBlock(s string) string { return Printable(termsafe.Clean(s), true) }
