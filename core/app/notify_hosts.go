package app

import (
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/notify"
)

// hostMessage is the notification for an alert on a host that fired
// (high priority) or cleared (default). Only the alert's message goes
// out, already one clean line: never what the host printed.
func hostMessage(e events.Event) (notify.Message, bool) {
	a, ok := e.(events.HostAlert)
	if !ok {
		return notify.Message{}, false
	}
	what := a.Rule
	if a.Subject != "" {
		what += " " + a.Subject
	}
	body := a.Message + "\n\nhost: " + a.Host + "\nalert: " + what + "\n\nsee: macroa hosts status " + a.Host
	if a.Firing {
		return notify.Message{
			Title:    "Alert on " + a.Host + ": " + cut(a.Message, 80),
			Body:     body,
			Priority: notify.High,
			Tags:     []string{"alert", a.Rule},
			Kind:     "host.alert",
		}, true
	}
	return notify.Message{
		Title:    "Resolved on " + a.Host + ": " + cut(a.Message, 80),
		Body:     body,
		Priority: notify.Default,
		Tags:     []string{"resolved", a.Rule},
		Kind:     "host.resolved",
	}, true
}
