package hosts

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/kit"
)

// trustLines is the trust question: the host, the address that
// presented the key, its type and fingerprint, to compare with the
// host's own before answering.
func (p *Pane) trustLines(width int) []string {
	k := p.key
	field := func(label, value string) string {
		return p.st.Muted.Render(kit.Fit("  "+kit.Cell(label, 12, false)+" ", 15)) + p.st.Text.Render(kit.Fit(kit.SafeLine(value), max(0, width-15)))
	}
	addr := k.Address
	if addr == "" {
		addr = "?"
	}
	return []string{
		p.st.Accent.Render(kit.Fit("The host "+kit.SafeLine(k.Host)+" presents a key Macroa does not know:", width)),
		field("host", k.Host),
		field("address", addr),
		field("key type", k.Type),
		field("fingerprint", k.Fingerprint),
		p.st.Muted.Render(kit.Fit("  compare it on the host: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub", width)),
		p.st.Warning.Render(kit.FitHints(width, "Trust this key?", []kit.Hint{{Text: "y trusts it"}, {Text: "n or esc does not", Drop: 1}}, "")),
	}
}

// warnLines is the loud warning about a key that changed: the pane
// refuses it and never writes over the key it knows, and says which line
// to remove when the change is expected.
func (p *Pane) warnLines(width int) []string {
	k := p.key
	now := "another key"
	if k.Fingerprint != "" {
		now = kit.SafeLine(k.Type + " " + k.Fingerprint)
	}
	where := ""
	if k.Address != "" {
		where = " at " + kit.SafeLine(k.Address)
	}
	lines := []string{
		p.st.Error.Render(kit.Fit("WARNING: the key of "+kit.SafeLine(k.Host)+where+" CHANGED: refused", width)),
		p.st.Error.Render(kit.Fit("  it now presents "+now, width)),
		p.st.Text.Render(kit.Fit("  someone may be intercepting the connection, or the host was reinstalled.", width)),
		p.st.Text.Render(kit.Fit("  Macroa never writes over a known key: ask the host's owner.", width)),
	}
	// The remedy names files and commands: wrapped, not cut, at most
	// five lines.
	text := kit.SafeLine(p.remedy)
	if text == "" {
		addr := kit.SafeLine(k.Address)
		if addr == "" {
			addr = kit.SafeLine(k.Host)
		}
		text = "If the change is expected, remove the old key of " + addr + " from your known_hosts files, then trust again."
	}
	wrapped := strings.Split(ansi.Wordwrap(text, max(20, width-2), " "), "\n")
	for _, l := range wrapped[:min(len(wrapped), 5)] {
		lines = append(lines, p.st.Text.Render(kit.Fit("  "+l, width)))
	}
	return append(lines, p.st.Muted.Render(kit.Fit("any key closes this", width)))
}

// promptLines is the shell prompt for the host.
func (p *Pane) promptLines(width int) []string {
	lead := "$ " + kit.SafeLine(p.target) + " "
	lw := min(len([]rune(lead)), width/2)
	in := p.input.in.View(max(1, width-lw), p.st.Text, p.st.Subtle, "a command; enter proposes it, esc cancels")
	return []string{
		p.st.Muted.Render(kit.Fit("runs through the approval queue: the gate may run it, ask a person, or refuse it", width)),
		kit.Fit(p.st.Accent.Render(kit.Fit(lead, lw))+in, width),
	}
}
