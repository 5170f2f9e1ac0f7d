package app

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// localZone is this machine's zone with its IANA name where it can be
// told ($TZ, else the /etc/localtime link), so a daily: or cron: task
// stores "TZ=Europe/Berlin" and keeps firing at the same wall time if the
// machine's zone changes later; else time.Local.
func localZone(environ []string) *time.Location {
	name := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "TZ="); ok {
			name = strings.TrimPrefix(v, ":")
		}
	}
	if name == "" {
		if target, err := os.Readlink("/etc/localtime"); err == nil {
			if _, after, ok := strings.Cut(filepath.ToSlash(target), "zoneinfo/"); ok {
				name = after
			}
		}
	}
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return time.Local
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.Local
	}
	return loc
}
