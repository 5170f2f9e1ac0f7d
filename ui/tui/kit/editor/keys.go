package editor

import tea "charm.land/bubbletea/v2"

// HandleKey applies an editing key or typed text and reports whether it
// used the key. The editing keys are fixed, like a shell's; ctrl+d on an
// empty input is left to the caller.
func (in *Editor) HandleKey(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "left", "ctrl+b":
		in.Left()
	case "right", "ctrl+f":
		in.Right()
	case "home", "ctrl+a":
		in.Home()
	case "end", "ctrl+e":
		in.End()
	case "alt+left", "ctrl+left", "alt+b":
		in.WordLeft()
	case "alt+right", "ctrl+right", "alt+f":
		in.WordRight()
	case "backspace", "ctrl+h":
		in.Backspace()
	case "delete":
		in.Delete()
	case "ctrl+d":
		if in.Empty() {
			return false
		}
		in.Delete()
	case "ctrl+w", "alt+backspace":
		in.DeleteWordBack()
	case "ctrl+u":
		in.KillToStart()
	case "ctrl+k":
		in.KillToEnd()
	default:
		if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModSuper|tea.ModHyper|tea.ModMeta) != 0 {
			return false
		}
		in.Insert(msg.Text)
	}
	return true
}
