package policy

import (
	"strings"

	"github.com/macroa/macroa/core/actions"
)

// builtinProtected are the units whose loss cuts a person off from the
// machine or stops it working, by canonical name (actions.CanonicalUnit:
// "ssh" covers sshd, openssh-server and every suffix). A trailing "*"
// matches a prefix; a trailing "@" matches a template and all its
// instances. Chosen from ops-anchors: the seeds protected sshd,
// systemd-networkd, NetworkManager, systemd-resolved and dbus by
// substring and missed Debian's ssh.service; here every systemd-* unit
// (logind, journald, udevd, networkd, resolved, timesyncd …), the
// consoles and the targets a boot walks through are protected too.
func builtinProtected() []string {
	return []string{
		"ssh", "systemd", "systemd-*", "init", "networking", "network", "network-online",
		"NetworkManager", "NetworkManager-*", "dbus", "dbus-*", "wpa_supplicant", "netplan-*",
		"getty@", "serial-getty@", "autovt@", "console-getty", "container-getty@",
		"default", "multi-user", "basic", "sysinit", "local-fs", "sockets", "graphical",
		"-", "user@", "user-runtime-dir@", "polkit",
		// Slices: stopping system.slice stops every service, user.slice
		// ends every login.
		"system", "user", "machine",
		// Other ways in: SSH servers, VPNs and mesh networks people
		// reach a machine through, and the network's own daemons.
		"ssh-*", "sshd-*", "dropbear", "tinysshd", "tinyssh", "mosh-server", "tailscaled", "zerotier-one", "netbird",
		"wg-quick@", "wg-quick", "openvpn", "openvpn@", "openvpn-*", "strongswan", "strongswan-*", "ipsec",
		"ifup@", "ifupdown-*", "wicked", "wickedd", "wickedd-*", "dhcpcd", "dhcpcd@", "dhclient", "iwd", "connman", "ModemManager",
		"teleport", "xrdp", "xrdp-*", "vncserver@", "x11vnc", "cockpit", "cockpit.*", "webmin", "nebula", "amazon-ssm-agent",
		"snap.amazon-ssm-agent.*", "google-guest-agent", "google-*", "walinuxagent", "waagent", "cloud-init", "cloud-*",
		// Logins, name services and the guards a machine relies on.
		"getty", "gdm", "gdm3", "sddm", "lightdm", "display-manager", "sssd", "nscd", "nslcd", "winbind",
		"auditd", "firewalld", "ufw", "nftables", "iptables", "ip6tables", "netfilter-persistent", "fail2ban", "apparmor", "selinux-*",
		// Mounts the system stands on.
		"boot", "boot-efi", "remote-fs", "remote-fs-pre", "cryptsetup", "cryptsetup-pre", "local-fs-pre", "swap",
		"macroa", "macroa-*", "macroa@",
	}
}

// powerUnit says whether starting unit u shuts the machine down, reboots
// or suspends it, or leaves only a rescue shell.
func powerUnit(u actions.Unit) bool {
	switch u.Prefix {
	case "reboot", "poweroff", "halt", "kexec", "shutdown", "soft-reboot", "rescue", "emergency",
		"ctrl-alt-del", "exit", "sleep", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "final",
		"umount", "initrd-switch-root", "initrd-cleanup", "initrd-fs", "initrd-root-fs", "initrd", "system-update":
		return !u.Template && (u.Type == "target" || u.Type == "service")
	}
	return false
}

// protectedName returns the canonical name of u when it is protected, ""
// otherwise. Names are compared without regard to case: SSH.service is a
// different unit to systemd, but a look-alike is better asked about.
func protectedName(u actions.Unit, p Policy) string {
	name := u.Name()
	if matchProtected(u, builtinProtected()) || matchProtected(u, p.ProtectedUnits) {
		return name
	}
	return ""
}

func matchProtected(u actions.Unit, list []string) bool {
	prefix := strings.ToLower(u.Prefix)
	full := strings.ToLower(u.Name())
	for _, e := range list {
		if e == "" {
			continue
		}
		if star := strings.HasSuffix(e, "*"); star {
			pre := strings.ToLower(strings.TrimSuffix(e, "*"))
			if strings.HasPrefix(prefix, pre) {
				return true
			}
			continue
		}
		cu, err := actions.CanonicalUnit(e)
		if err != nil {
			if strings.EqualFold(e, u.Prefix) {
				return true
			}
			continue
		}
		if cu.Template {
			// "getty@" covers every instance; "getty@tty1" only that one.
			if u.Template && strings.EqualFold(cu.Prefix, u.Prefix) && (cu.Instance == "" || strings.EqualFold(cu.Instance, u.Instance)) {
				return true
			}
			continue
		}
		// A plain name covers its template's instances too: "ssh"
		// covers ssh@<connection>.service.
		if strings.ToLower(cu.Prefix) == prefix || strings.ToLower(cu.Name()) == full {
			return true
		}
	}
	return false
}

// unitCheck parses a unit name as a proposer wrote it and returns it in
// canonical form with its protected name.
func unitCheck(s string, p Policy) (actions.Unit, string, error) {
	u, err := actions.CanonicalUnit(s)
	if err != nil {
		return u, "", err
	}
	return u, protectedName(u, p), nil
}
