// Package termsafe makes text safe to print on a terminal. Whatever a model,
// a file, a command or a stored value holds, what comes out of Clean (or
// through a Writer) cannot control the terminal: escape sequences (CSI,
// OSC such as clipboard writes, titles and hyperlinks, DCS, APC, PM, SOS,
// their 8-bit C1 forms) are removed, so are C0 and C1 controls other than
// newline and tab and the bidirectional overrides that reorder text on
// screen; invalid UTF-8 becomes U+FFFD; a carriage return starts a new line
// instead of letting later text overwrite earlier text.
//
// Visible is the other form, for text a person must judge before it runs:
// every control character is shown as an escape, nothing is removed.
//
// The package is a leaf: any layer may import it.
package termsafe
