// Package secretpath knows which files hold credentials: SSH keys, Macroa's
// own keys and database, cloud and container credentials, browser profiles,
// shell histories, system password files, network, VPN and cluster
// credentials, raw disks and memory, and other processes' environments
// (including paths that climb with ".." out of /dev/fd or /proc links).
// The shell policy, the file tools and the sandbox all ask it, so a path
// counts as secret in one place only.
//
// Paths are matched after cleaning and case folding (macOS and Windows file
// systems ignore case), and a credential location is recognised wherever it
// appears in the path, not only under the current home directory: another
// user's ~/.ssh, a relative ".ssh/id_rsa" and "/proc/self/root/etc/shadow"
// are all secret.
package secretpath

import (
	"os"
	"path"
	"strings"
	"sync"

	"github.com/macroa/macroa/lazy"
)

// Why says why reading p may reveal a secret, or "" when it does not look
// like a credential. p is matched as written after path.Clean, relative or
// absolute; callers that can resolve symlinks should use WhyResolved.
func Why(p string) string {
	if p == "" {
		return ""
	}
	if why := climbWhy(strings.ToLower(p)); why != "" {
		return why
	}
	l := strings.ToLower(path.Clean(p))
	if why := registeredWhy(l); why != "" {
		return why
	}
	abs := strings.HasPrefix(l, "/")
	parts := strings.Split(strings.TrimPrefix(l, "/"), "/")
	for i := range parts {
		if why := systemWhy(parts[i:]); why != "" {
			return why
		}
	}
	if abs {
		if why := procWhy(parts); why != "" {
			return why
		}
		if why := deviceWhy(parts); why != "" {
			return why
		}
		own := strings.ToLower(path.Clean(os.Getenv("HOME")))
		for _, root := range secretRoots {
			if own == root || strings.HasPrefix(own, root+"/") {
				continue // running as root: /root is this user's home, judged like any other
			}
			if l == root || strings.HasPrefix(l, root+"/") {
				return "another user's or the system's private files"
			}
		}
	}
	for i := range parts {
		for _, s := range secretSeqs {
			if hasSeq(parts[i:], s.seq) {
				return s.why
			}
		}
		if parts[i] == "etc" && i+2 == len(parts)-1 && parts[i+1] == "ssh" && strings.Contains(parts[i+2], "_key") &&
			!strings.HasSuffix(parts[i+2], ".pub") {
			return "the machine's SSH host keys"
		}
	}
	return baseWhy(parts[len(parts)-1])
}

func hasSeq(parts, seq []string) bool {
	if len(parts) < len(seq) {
		return false
	}
	for i, s := range seq {
		if parts[i] != s {
			return false
		}
	}
	return true
}

// secretRoots are whole trees no read-only command has reason to read:
// root's home (unless it is this process's own) and system key stores.
var secretRoots = []string{"/root", "/var/root", "/etc/ssl/private", "/etc/wireguard", "/etc/networkmanager/system-connections",
	"/run/secrets", "/var/run/secrets"}

const (
	whySSH     = "SSH keys or settings"
	whyCloud   = "cloud or container credentials"
	whyBrowser = "a browser or mail profile (saved passwords, cookies)"
	whyCred    = "a credentials file"
	whySystem  = "a system credential file"
	whyHistory = "a shell or program history, which may hold typed secrets"
	whyNetwork = "network or VPN credentials"
	whyCluster = "cluster or CI runner credentials"
	whyMemory  = "a raw disk or the machine's memory, which hold every file and secret"
)

// secretSeqs are runs of path components that name a credential store,
// matched anywhere in the path.
var secretSeqs = []struct {
	seq []string
	why string
}{
	{[]string{".ssh"}, whySSH},
	{[]string{".gnupg"}, "GnuPG keys"},
	{[]string{".macroa"}, "Macroa's own data, which holds its keys and memory"},
	{[]string{".password-store"}, "a password store"},
	{[]string{".aws"}, whyCloud},
	{[]string{".azure"}, whyCloud},
	{[]string{".oci"}, whyCloud},
	{[]string{".kube"}, whyCloud},
	{[]string{".docker"}, whyCloud},
	{[]string{".config", "gcloud"}, whyCloud},
	{[]string{".config", "doctl"}, whyCloud},
	{[]string{".config", "containers", "auth.json"}, whyCloud},
	{[]string{".terraform.d", "credentials.tfrc.json"}, whyCloud},
	{[]string{".config", "gh"}, whyCred},
	{[]string{".config", "sops"}, "sops and age keys"},
	{[]string{".config", "age"}, "age keys"},
	{[]string{".config", "github-copilot"}, whyCred},
	{[]string{".local", "share", "keyrings"}, "a keyring"},
	{[]string{".config", "hub"}, whyCred},
	{[]string{".config", "glab-cli"}, whyCred},
	{[]string{".config", "rclone"}, whyCred},
	{[]string{".config", "op"}, whyCred},
	{[]string{".config", "1password"}, whyCred},
	{[]string{".cargo", "credentials"}, whyCred},
	{[]string{".cargo", "credentials.toml"}, whyCred},
	{[]string{".gem", "credentials"}, whyCred},
	{[]string{".local", "share", "keyrings"}, "the desktop keyring"},
	{[]string{".local", "share", "kwalletd"}, "the desktop keyring"},
	{[]string{".pki"}, "the certificate and key database"},
	{[]string{"library", "keychains"}, "the macOS keychain"},
	{[]string{".mozilla"}, whyBrowser},
	{[]string{".thunderbird"}, whyBrowser},
	{[]string{".config", "google-chrome"}, whyBrowser},
	{[]string{".config", "google-chrome-beta"}, whyBrowser},
	{[]string{".config", "chromium"}, whyBrowser},
	{[]string{".config", "bravesoftware"}, whyBrowser},
	{[]string{".config", "microsoft-edge"}, whyBrowser},
	{[]string{".config", "vivaldi"}, whyBrowser},
	{[]string{".config", "opera"}, whyBrowser},
	{[]string{"library", "application support", "google", "chrome"}, whyBrowser},
	{[]string{"library", "application support", "firefox"}, whyBrowser},
	{[]string{"library", "application support", "bravesoftware"}, whyBrowser},
	{[]string{"library", "cookies"}, whyBrowser},
	{[]string{"etc", "shadow"}, whySystem},
	{[]string{"etc", "shadow-"}, whySystem},
	{[]string{"etc", "gshadow"}, whySystem},
	{[]string{"etc", "gshadow-"}, whySystem},
	{[]string{"etc", "sudoers"}, whySystem},
	{[]string{"etc", "sudoers.d"}, whySystem},
	{[]string{"etc", "security", "opasswd"}, whySystem},
	{[]string{"etc", "krb5.keytab"}, whySystem},
	{[]string{"etc", "master.passwd"}, whySystem},
	{[]string{"etc", "mysql", "debian.cnf"}, whySystem},
	{[]string{"etc", "ipsec.secrets"}, whySystem},
	{[]string{"etc", "ipsec.d", "private"}, whySystem},
	{[]string{"etc", "samba", "smbpasswd"}, whySystem},
	{[]string{"var", "lib", "samba", "private"}, whySystem},
	{[]string{"etc", "wpa_supplicant"}, whyNetwork},
	{[]string{"etc", "netplan"}, whyNetwork},
	{[]string{"etc", "networkmanager", "system-connections"}, whyNetwork},
	{[]string{"var", "lib", "tailscale"}, whyNetwork},
	{[]string{"etc", "rancher"}, whyCluster},
	{[]string{"etc", "kubernetes"}, whyCluster},
	{[]string{"etc", "gitlab-runner"}, whyCluster},
	{[]string{".config", "hcloud"}, whyCloud},
	{[]string{"proc", "kcore"}, whyMemory},
	{[]string{"proc", "keys"}, "the kernel's key rings"},
	{[]string{"proc", "key-users"}, "the kernel's key rings"},
}

// climbWhy refuses a path that climbs ("..") out of /dev/fd, /dev/stdin,
// /dev/stdout, /dev/stderr or anything under /proc: those are links the
// kernel follows into /proc/<pid>, so "/dev/fd/../../1/fd/5" cleans to a
// harmless text yet reads another process's open files. p is lower case
// and not cleaned.
func climbWhy(p string) string {
	var parts []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			parts = append(parts, s)
		}
	}
	for i := 0; i+1 < len(parts); i++ {
		link := parts[i] == "proc" ||
			parts[i] == "dev" && (parts[i+1] == "fd" || strings.HasPrefix(parts[i+1], "std"))
		if !link {
			continue
		}
		for _, s := range parts[i+2:] {
			if s == ".." {
				return "a path that climbs out of a process's /proc or /dev/fd links into other processes' files"
			}
		}
	}
	return ""
}

// deviceWhy: raw disks and partitions hold every file, credentials
// included, and /dev/mem, /dev/kmem and /dev/port the machine's memory.
// parts are an absolute path's components.
func deviceWhy(parts []string) string {
	if len(parts) < 2 || parts[0] != "dev" {
		return ""
	}
	name := parts[1]
	switch name {
	case "mem", "kmem", "port", "mapper", "disk", "root":
		return whyMemory
	}
	for _, pre := range []string{"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "dm-", "md", "loop"} {
		rest, ok := strings.CutPrefix(name, pre)
		if !ok || rest == "" {
			continue
		}
		if strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
			return whyMemory
		}
	}
	return ""
}

// systemWhy: credential files recognised by their directory and a part of
// their name (backups of the password files, PPP secrets, Kerberos ticket
// caches).
func systemWhy(parts []string) string {
	if len(parts) < 2 {
		return ""
	}
	last := parts[len(parts)-1]
	switch {
	case len(parts) == 3 && parts[0] == "var" && parts[1] == "backups" &&
		(strings.Contains(last, "shadow") || strings.Contains(last, "passwd")):
		return whySystem
	case len(parts) == 3 && parts[0] == "etc" && parts[1] == "ppp" && strings.HasSuffix(last, "-secrets"):
		return whySystem
	}
	return ""
}

// secretBases are file names that hold credentials wherever they are.
var secretBases = lazy.New(func() map[string]string {
	return map[string]string{
		".netrc": whyCred, "_netrc": whyCred, ".pgpass": whyCred, ".git-credentials": whyCred,
		".npmrc": whyCred, ".pypirc": whyCred, ".yarnrc": whyCred, ".yarnrc.yml": whyCred,
		".my.cnf": whyCred, ".mylogin.cnf": whyCred, ".vault-token": whyCred, ".boto": whyCred,
		".s3cfg": whyCred, ".terraformrc": whyCred, ".htpasswd": whyCred, ".dockercfg": whyCred,
		".smbcredentials": whyCred, "wp-config.php": whyCred, "krb5.keytab": whySystem,
		".envrc":        "an environment file, which may hold secrets",
		".bash_history": whyHistory, ".zsh_history": whyHistory, ".histfile": whyHistory, ".sh_history": whyHistory,
		".python_history": whyHistory, ".psql_history": whyHistory, ".mysql_history": whyHistory,
		".node_repl_history": whyHistory, ".sqlite_history": whyHistory, ".rediscli_history": whyHistory,
		".lesshst": whyHistory, "fish_history": whyHistory, ".viminfo": whyHistory, ".wget-hsts": whyHistory,
		"history": whyHistory, // ~/.local/share/zsh/history and the like
		"environ": "a process's environment, which may hold secrets",
	}
})

// secretStems name files that hold credentials when they hold data
// (credentials.json, secrets.yaml, token); token.go is source, not a token.
var secretStems = lazy.New(func() map[string]bool {
	return map[string]bool{
		"credentials": true, "credential": true, "secrets": true, "secret": true, "client_secret": true,
		"client_secrets": true, "service-account": true, "service_account": true, "token": true, "tokens": true,
		"access_token": true, "access_tokens": true, "passwords": true, "password": true, "auth": true,
	}
})

var dataExts = lazy.New(func() map[string]bool {
	return map[string]bool{
		"": true, ".json": true, ".yaml": true, ".yml": true, ".toml": true, ".txt": true, ".ini": true,
		".conf": true, ".cfg": true, ".db": true, ".sqlite": true, ".xml": true, ".properties": true,
	}
})

func baseWhy(base string) string {
	if why := secretBases.Get()[base]; why != "" {
		return why
	}
	name := strings.TrimLeft(base, ".")
	stem, ext := name, ""
	if i := strings.IndexByte(name, '.'); i >= 0 {
		stem, ext = name[:i], name[i:]
	}
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return "an environment file, which may hold secrets"
	case strings.HasPrefix(base, ".vault_pass"), strings.HasPrefix(base, "krb5cc_"):
		return whyCred
	case strings.HasPrefix(base, "terraform.tfstate"), strings.HasSuffix(base, ".tfstate"),
		strings.HasSuffix(base, ".tfvars"), strings.HasSuffix(base, ".tfvars.json"):
		return "Terraform state or variables, which hold secrets"
	case strings.HasPrefix(base, "id_rsa"), strings.HasPrefix(base, "id_ed25519"), strings.HasPrefix(base, "id_ecdsa"),
		strings.HasPrefix(base, "id_dsa"), strings.HasPrefix(base, "id_xmss"):
		return whySSH
	}
	if secretStems.Get()[stem] && dataExts.Get()[ext] {
		return whyCred
	}
	for _, ext := range []string{".pem", ".key", ".p12", ".pfx", ".kdbx", ".keystore", ".jks", ".ppk", ".keytab"} {
		if strings.HasSuffix(base, ext) && len(base) > len(ext) {
			return "a key or certificate file"
		}
	}
	return ""
}

// procFiles are the per-process files under /proc that hold nothing a
// process would keep secret.
var procFiles = lazy.New(func() map[string]bool {
	return map[string]bool{
		"status": true, "stat": true, "statm": true, "comm": true, "limits": true, "cgroup": true,
		"oom_score": true, "oom_score_adj": true, "oom_adj": true, "io": true, "sched": true, "schedstat": true,
		"wchan": true, "loginuid": true, "sessionid": true, "mountinfo": true, "mounts": true,
		"mountstats": true, "uid_map": true, "gid_map": true, "ns": true, "task": true, "net": true,
	}
})

// procWhy refuses what a process keeps to itself: another process's (or
// this one's) environment, command line, memory, open files, working
// directory and root, reached through /proc/<pid>, self or thread-self.
func procWhy(parts []string) string {
	if len(parts) < 3 || parts[0] != "proc" || !procID(parts[1]) {
		return ""
	}
	rest := parts[2:]
	if rest[0] == "task" && len(rest) >= 3 {
		rest = rest[2:] // /proc/<pid>/task/<tid>/… is the same per-thread view
	}
	switch {
	case rest[0] == "task" && len(rest) <= 2:
		return ""
	case rest[0] == "net":
		return ""
	case procFiles.Get()[rest[0]] && len(rest) == 1:
		return ""
	}
	return "a process's environment, command line, memory or open files, which may hold secrets"
}

func procID(s string) bool {
	if s == "self" || s == "thread-self" {
		return true
	}
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var (
	regMu      sync.RWMutex
	registered = map[string]string{}
	generation uint64 // see Generation
)

// A data directory or database moved by the environment is protected from
// the start; one set in ./.env or config.toml is protected by whoever
// loads that configuration (see Protect).
func init() {
	for _, name := range []string{"MACROA_HOME", "MACROA_DB_PATH"} {
		if v := os.Getenv(name); v != "" && path.IsAbs(v) {
			Protect(v, "Macroa's own data, which holds its keys and memory")
		}
	}
}

// Protect adds a directory (or file) that holds secrets outside the usual
// places, such as a Macroa data directory moved with MACROA_HOME, with the
// reason to give. Everything under it is secret from then on.
func Protect(p, why string) {
	if strings.TrimSpace(p) == "" {
		return
	}
	regMu.Lock()
	defer regMu.Unlock()
	registered[strings.ToLower(path.Clean(p))] = why
	generation++
}

// Protected lists the paths Protect was given, cleaned and lower-cased as
// they are matched, so a walk can tell a directory holds one beneath it.
func Protected() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registered))
	for p := range registered {
		out = append(out, p)
	}
	return out
}

// Generation counts the calls to Protect, so what was judged with an
// older list (the sandbox's allow-list) can tell it is out of date.
func Generation() uint64 {
	regMu.RLock()
	defer regMu.RUnlock()
	return generation
}

func registeredWhy(l string) string {
	regMu.RLock()
	defer regMu.RUnlock()
	for root, why := range registered {
		if l == root || strings.HasPrefix(l, root+"/") {
			return why
		}
	}
	return ""
}
