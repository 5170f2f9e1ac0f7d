package tui

import "github.com/macroa/macroa/ui/tui/kit"

// The messages panes and the root send each other live in kit, so pane
// packages can send them; the bridge sends CoreEventMsg.
type (
	CoreEventMsg      = kit.CoreEventMsg
	ToastLevel        = kit.ToastLevel
	ToastMsg          = kit.ToastMsg
	SwitchSessionMsg  = kit.SwitchSessionMsg
	SessionChangedMsg = kit.SessionChangedMsg
	FocusPaneMsg      = kit.FocusPaneMsg
	CopyMsg           = kit.CopyMsg
)

// Toast levels.
const (
	ToastInfo  = kit.ToastInfo
	ToastWarn  = kit.ToastWarn
	ToastError = kit.ToastError
)

// Toast returns a command that shows a toast.
var Toast = kit.Toast

// StickyToast returns a command that shows a toast that stays until a key is pressed.
var StickyToast = kit.StickyToast
