package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/secretpath"
)

func assess(a actions.Action, p Policy) assessment {
	spec, _ := actions.Lookup(a.Kind)
	as := assessment{risk: spec.BaseRisk, reason: string(a.Kind)}
	switch q := a.Params.(type) {
	case actions.Service:
		u, prot, _ := unitCheck(q.Unit, p)
		as.reason = fmt.Sprintf("%s %s", a.Kind, u.String())
		switch a.Kind {
		case actions.ServiceStop, actions.ServiceRestart:
			if prot != "" {
				return assessment{risk: Critical, deny: true, ask: true, protected: prot,
					reason: fmt.Sprintf("%s of %s: %q is a protected unit", verbOf(a.Kind), q.Unit, prot)}
			}
		case actions.ServiceStart:
			if powerUnit(u) {
				return assessment{risk: Critical, deny: true, ask: true,
					reason: fmt.Sprintf("starting %s would shut down, reboot or suspend the machine", u.String())}
			}
			if prot != "" {
				as.risk, as.ask, as.protected = High, true, prot
				as.reason = fmt.Sprintf("start of %s: %q is a protected unit", q.Unit, prot)
			}
		}
	case actions.Journal:
		if q.Unit != "" {
			as.reason = fmt.Sprintf("%s %s", a.Kind, q.Unit)
		}
	case actions.Cleanup:
		as.reason = fmt.Sprintf("%s %s", a.Kind, q.Set)
		if q.Set == actions.TempFiles {
			as.risk = Medium
		}
	case actions.Diagnostic:
		as.reason = fmt.Sprintf("%s %s", a.Kind, q.Name)
	case actions.File:
		as.reason = fmt.Sprintf("%s %s", a.Kind, q.Path)
		if why := criticalPath(q.Path); why != "" {
			as.risk, as.ask = Critical, true
			as.reason = fmt.Sprintf("%s %s: %s", a.Kind, q.Path, why)
		}
	case actions.Reboot:
		as.reason = "reboot of the machine"
	case actions.Command:
		return judgeShell(q.Shell, p)
	case actions.Read:
		as.reason = fmt.Sprintf("%s %s", a.Kind, q.Path)
		if why := secretpath.Why(q.Path); why != "" {
			// Reading credentials changes nothing but hands them to
			// whoever asked: a person decides.
			as.risk, as.ask = High, true
			as.reason = fmt.Sprintf("%s %s: it reads %s", a.Kind, q.Path, why)
		}
	case actions.Memory:
		// What Macroa remembers shapes every later answer: a model's
		// change to it is never low risk.
		as.reason = fmt.Sprintf("%s %s", a.Kind, q.Key)
	}
	return as
}

func verbOf(k actions.Kind) string {
	if k == actions.ServiceStop {
		return "stop"
	}
	return "restart"
}

// criticalPath says why writing p could lock a person out, stop the
// machine booting or expose a credential; "" when it does none of these.
func criticalPath(p string) string {
	for _, pre := range []string{"/etc/ssh", "/etc/sudoers", "/etc/pam.d", "/etc/security", "/boot", "/etc/systemd", "/lib/systemd", "/usr/lib/systemd",
		"/etc/network", "/etc/netplan", "/etc/NetworkManager", "/etc/fstab", "/etc/crypttab", "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
		"/etc/default/grub", "/etc/ld.so.preload", "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/crontab", "/etc/cron.d", "/bin", "/sbin",
		"/usr/bin", "/usr/sbin", "/lib", "/usr/lib", "/etc/init.d", "/etc/profile", "/etc/profile.d", "/etc/environment",
		// What runs at login, at boot, on a schedule or as root later.
		"/var/spool/cron", "/var/spool/at", "/etc/anacrontab", "/etc/bash.bashrc", "/etc/zsh", "/etc/rc.local", "/etc/udev",
		"/etc/modprobe.d", "/etc/modules", "/etc/modules-load.d", "/etc/polkit-1", "/etc/hosts.allow", "/etc/hosts.deny",
		"/etc/nftables.conf", "/etc/iptables", "/etc/sysctl.conf", "/etc/sysctl.d", "/run/systemd", "/usr/local/bin",
		"/usr/local/sbin", "/usr/local/lib", "/etc/apt", "/etc/yum.repos.d", "/etc/dnf", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/xdg/autostart",
		"/etc/login.defs", "/etc/securetty", "/etc/ssl", "/etc/ca-certificates", "/etc/pki", "/etc/doas.conf",
		"/etc/cron.daily", "/etc/cron.hourly", "/etc/cron.weekly", "/etc/cron.monthly", "/etc/sudo.conf", "/etc/update-motd.d",
		"/etc/logrotate.conf", "/etc/logrotate.d", "/etc/kernel", "/etc/initramfs-tools", "/etc/dracut.conf", "/etc/dracut.conf.d",
		"/etc/dhcp", "/etc/docker", "/etc/containers", "/etc/subuid", "/etc/subgid", "/etc/systemd", "/etc/tmpfiles.d",
		"/etc/X11/Xsession.d", "/etc/lightdm", "/etc/gdm3", "/opt/bin"} {
		if p == pre || strings.HasPrefix(p, pre+"/") || strings.HasPrefix(p, pre) && strings.HasPrefix(pre, "/etc/sudoers") {
			return "a file the machine's access, boot or programs depend on"
		}
	}
	switch path.Base(p) {
	case ".bashrc", ".profile", ".bash_profile", ".bash_login", ".bash_logout", ".bash_aliases", ".zshrc", ".zshenv", ".zprofile", ".zlogin",
		".pam_environment", ".gitconfig", ".xprofile", ".xinitrc", ".xsession", ".xsessionrc", ".config", ".vimrc", ".exrc", ".emacs",
		".inputrc", ".npmrc", ".pypirc", ".curlrc", ".wgetrc":
		return "a file that decides who logs in or what runs at login"
	}
	if strings.HasSuffix(p, ".pth") && strings.Contains(p, "/site-packages/") {
		return "a file Python runs at every start"
	}
	for _, dir := range []string{"/.config/systemd/", "/.config/autostart/", "/.local/bin/", "/.config/fish/", "/.config/git/",
		"/.config/environment.d/", "/.config/plasma-workspace/", "/.config/nvim/", "/.vim/", "/.emacs.d/", "/.config/pip/",
		"/.cargo/", "/.docker/", "/.kube/"} {
		if strings.Contains(p, dir) {
			return "a file that decides what runs at login or for the person later"
		}
	}
	if strings.Contains(p, "/.ssh/") || path.Base(p) == ".ssh" {
		return "a file that decides who logs in or what runs at login"
	}
	if why := secretpath.Why(p); why != "" {
		return why
	}
	return ""
}
