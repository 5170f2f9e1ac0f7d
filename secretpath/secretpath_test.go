package secretpath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWhy(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	tests := []struct {
		path string
		want string // substring of the reason; "" when the path is not secret
	}{
		{"/home/u/.ssh/id_rsa", "SSH"},
		{"~/.ssh/../.ssh/id_rsa", "SSH"},
		{"//home/u/.ssh", "SSH"},
		{"./.ssh", "SSH"},
		{".ssh/config", "SSH"},
		{"/home/u/.SSH/ID_RSA", "SSH"},
		{"/srv/keys/id_ed25519.old", "SSH"},
		{"/etc/ssh/ssh_host_ed25519_key", "host keys"},
		{"/home/u/.macroa/.env", "Macroa"},
		{"/home/u/.macroa/macroa.db", "Macroa"},
		{"/home/u/.macroa/history", "Macroa"},
		{"project/.env.production", "environment"},
		{"/home/u/.netrc", "credentials"},
		{"/home/u/.git-credentials", "credentials"},
		{"/home/u/.pgpass", "credentials"},
		{"/home/u/.aws/credentials", "cloud"},
		{"/home/u/.kube/config", "cloud"},
		{"/home/u/.docker/config.json", "cloud"},
		{"/home/u/.config/gh/hosts.yml", "credentials"},
		{"/home/u/.config/gcloud/application_default_credentials.json", "cloud"},
		{"/home/u/.azure/accessTokens.json", "cloud"},
		{"/home/u/.gnupg/private-keys-v1.d/x.key", "GnuPG"},
		{"/home/u/.mozilla/firefox/x.default/logins.json", "browser"},
		{"/home/u/.config/google-chrome/Default/Login Data", "browser"},
		{"/home/u/.config/chromium/Default/Cookies", "browser"},
		{"/home/u/.config/BraveSoftware/Brave-Browser/Default", "browser"},
		{"/home/u/.password-store/mail.gpg", "password store"},
		{"/home/u/.config/sops/age/keys.txt", "age"},
		{"/home/u/.config/github-copilot/hosts.json", "credentials"},
		{"/home/u/.viminfo", "history"},
		{"/home/u/.local/share/zsh/history", "history"},
		{"/home/u/.npmrc", "credentials"},
		{"/home/u/.pypirc", "credentials"},
		{"/home/u/.cargo/credentials.toml", "credentials"},
		{"/home/u/.bash_history", "history"},
		{"/etc/shadow", "system credential"},
		{"/etc/sudoers.d/90-cloud", "system credential"},
		{"/root/notes.txt", "private files"},
		{"/run/secrets/db_password", "private files"},
		{"/var/run/secrets/kubernetes.io/serviceaccount/token", "private files"},
		{"/proc/self/environ", "environment"},
		{"/proc/1/environ", "environment"},
		{"/proc/1234/cmdline", "command line"},
		{"/proc/self/mem", "memory"},
		{"/proc/self/cwd/notes", "open files"},
		{"/proc/self/root/etc/hostname", "open files"},
		{"/proc/1/task/1/environ", "environment"},
		{"/srv/tls/server.key", "key or certificate"},
		{"/srv/tls/server.pem", "key or certificate"},

		// Climbing out of a /proc or /dev/fd link: the kernel follows the
		// link into /proc/<pid>, whatever the cleaned text says.
		{"/dev/fd/../../1/fd/5", "climbs out"},
		{"/dev/fd/../cmdline", "climbs out"},
		{"/dev/stdin/../..", "climbs out"},
		{"/dev/stdout/../../1/maps", "climbs out"},
		{"/dev//./fd/x/../../1/environ", "climbs out"},
		{"/proc/self/fd/../../1/maps", "climbs out"},
		{"/proc/self/../1/status", "climbs out"},
		{"/proc/1/task/../../2/mem", "climbs out"},
		{"/tmp/../dev/fd/../cmdline", "climbs out"},
		{"/PROC/SELF/FD/../../1/MAPS", "climbs out"},

		// Raw disks and memory.
		{"/dev/sda", "raw disk"},
		{"/dev/sda1", "raw disk"},
		{"/dev/nvme0n1p2", "raw disk"},
		{"/dev/vda", "raw disk"},
		{"/dev/xvdb1", "raw disk"},
		{"/dev/hda", "raw disk"},
		{"/dev/mmcblk0p1", "raw disk"},
		{"/dev/dm-0", "raw disk"},
		{"/dev/mapper/root", "raw disk"},
		{"/dev/mapper/vg0-home", "raw disk"},
		{"/dev/disk/by-uuid/1234", "raw disk"},
		{"/dev/mem", "memory"},
		{"/dev/kmem", "memory"},
		{"/dev/port", "memory"},
		{"/tmp/../dev/sdb", "raw disk"},
		{"/proc/kcore", "memory"},
		{"/proc/keys", "key rings"},
		{"/proc/key-users", "key rings"},
		{"/proc/self/root/proc/keys", "open files"},

		// System, network and cluster credentials.
		{"/var/backups/shadow.bak", "system credential"},
		{"/var/backups/gshadow.bak", "system credential"},
		{"/var/backups/passwd.bak", "system credential"},
		{"/etc/wpa_supplicant/wpa_supplicant.conf", "network"},
		{"/etc/netplan/50-cloud-init.yaml", "network"},
		{"/etc/NetworkManager/system-connections/home.nmconnection", "private files"},
		{"/mnt/root/etc/NetworkManager/system-connections/x", "network"},
		{"/etc/mysql/debian.cnf", "system credential"},
		{"/etc/ppp/chap-secrets", "system credential"},
		{"/etc/ppp/pap-secrets", "system credential"},
		{"/etc/ipsec.secrets", "system credential"},
		{"/etc/ipsec.d/private/host.der", "system credential"},
		{"/var/lib/tailscale/tailscaled.state", "network"},
		{"/etc/rancher/k3s/k3s.yaml", "cluster"},
		{"/etc/kubernetes/admin.conf", "cluster"},
		{"/etc/gitlab-runner/config.toml", "cluster"},
		{"/etc/samba/smbpasswd", "system credential"},
		{"/var/lib/samba/private/passdb.tdb", "system credential"},
		{"/tmp/krb5cc_1000", "credentials"},
		{"/etc/krb5.keytab", "system credential"},
		{"/srv/http.keytab", "key"},
		{"/home/u/.smbcredentials", "credentials"},
		{"/home/u/.vault_pass", "credentials"},
		{"/home/u/.vault_pass.txt", "credentials"},
		{"/home/u/.config/hcloud/cli.toml", "cloud"},
		{"infra/terraform.tfstate", "Terraform"},
		{"infra/terraform.tfstate.backup", "Terraform"},
		{"infra/prod.tfvars", "Terraform"},
		{"infra/prod.auto.tfvars.json", "Terraform"},
		{"/var/www/html/wp-config.php", "credentials"},
		{"project/.env.local", "environment"},
		{"project/.ENV.Staging", "environment"},

		{"/srv/app/config/credentials.json", "credentials"},
		{"deploy/secrets.yaml", "credentials"},
		{"/home/u/.config/app/token", "credentials"},
		{"/home/u/src/go/token/token.go", ""},
		{"/home/u/notes.txt", ""},
		{"README.md", ""},
		{"/etc/passwd", ""},
		{"/etc/hostname", ""},
		{"/etc/ssh/ssh_host_ed25519_key.pub", ""},
		{"/proc/cpuinfo", ""},
		{"/proc/loadavg", ""},
		{"/proc/1/status", ""},
		{"/proc/self/net/tcp", ""},
		{"/home/u/.config/nvim/init.lua", ""},
		{"/home/u/.environment-notes", ""},
		{"/home/u/monkey", ""},
		{"/dev/null", ""},
		{"/dev/stdin", ""},
		{"/dev/fd/0", ""},
		{"/dev/tty", ""},
		{"/dev/shm/x", ""},
		{"/dev/sd", ""},
		{"/proc/1/../../etc/hostname", "climbs out"}, // fail closed: the text names a /proc link
		{"/proc/../etc/hostname", ""},
		{"/var/backups/dpkg.status.0", ""},
		{"/etc/ppp/options", ""},
		{"/etc/mysql/my.cnf", ""},
		{"/home/u/src/dev/sdk.go", ""},
		{"infra/main.tf", ""},
		{"infra/variables.tf", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := Why(tt.path)
		if tt.want == "" && got != "" {
			t.Errorf("Why(%q) = %q, want not secret", tt.path, got)
		}
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("Why(%q) = %q, want it to contain %q", tt.path, got, tt.want)
		}
	}
}

func TestRootsOwnHomeIsJudgedLikeAnyOther(t *testing.T) {
	t.Setenv("HOME", "/root")
	if why := Why("/root/notes.txt"); why != "" {
		t.Errorf("Why(/root/notes.txt) as root = %q", why)
	}
	if why := Why("/root/.ssh/id_rsa"); !strings.Contains(why, "SSH") {
		t.Errorf("Why(/root/.ssh/id_rsa) as root = %q", why)
	}
}

func TestWhyResolvedFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	ssh := filepath.Join(dir, ".ssh")
	if err := os.Mkdir(ssh, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ssh, "id_rsa"), []byte("key"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "notes.txt")
	if err := os.Symlink(filepath.Join(ssh, "id_rsa"), link); err != nil {
		t.Fatal(err)
	}
	dirLink := filepath.Join(dir, "docs")
	if err := os.Symlink(ssh, dirLink); err != nil {
		t.Fatal(err)
	}
	if Why(link) != "" {
		t.Fatalf("the link's own name should not look secret: %q", Why(link))
	}
	for _, p := range []string{link, filepath.Join(dirLink, "id_rsa"), filepath.Join(dirLink, "not-yet")} {
		if why := WhyResolved(p); !strings.Contains(why, "SSH") {
			t.Errorf("WhyResolved(%q) = %q, want SSH", p, why)
		}
	}
	if why := WhyResolved(filepath.Join(dir, "plain.txt")); why != "" {
		t.Errorf("WhyResolved(plain) = %q", why)
	}

	// ".." climbs from where a link leads, not from the text: deep is a
	// link to .ssh/sub, so deep/../config is .ssh/config.
	if err := os.Mkdir(filepath.Join(ssh, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ssh, "config"), []byte("Host x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("plain"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(ssh, "sub"), filepath.Join(dir, "deep")); err != nil {
		t.Fatal(err)
	}
	climb := dir + "/deep/../config"
	if Why(climb) != "" {
		t.Fatalf("the text alone should not look secret: %q", Why(climb))
	}
	if why := WhyResolved(climb); !strings.Contains(why, "SSH") {
		t.Errorf("WhyResolved(%q) = %q, want SSH", climb, why)
	}
	t.Chdir(dir)
	if why := WhyResolved("deep/../config"); !strings.Contains(why, "SSH") {
		t.Errorf("WhyResolved(deep/../config) from %s = %q, want SSH", dir, why)
	}
	// A link into /dev/fd (or /proc) followed by "..": the climb lands in a
	// process's directory, even where the rest cannot be resolved here.
	if err := os.Symlink("/dev/fd", filepath.Join(dir, "fds")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"fds/../cmdline", "fds/../../1/fd/9999", dir + "/fds/../maps"} {
		if why := WhyResolved(p); !strings.Contains(why, "climbs out") {
			t.Errorf("WhyResolved(%q) = %q, want a climb out of /proc", p, why)
		}
	}
	if why := WhyResolved("deep/../../config"); why != "" { // .ssh/sub, .ssh, then dir/config
		t.Errorf("a climb to a plain file = %q", why)
	}
}

func TestProtect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if Why(filepath.Join(dir, "macroa.db")) != "" {
		t.Fatal("secret before it was protected")
	}
	Protect(dir, "Macroa's own data")
	if got := Why(filepath.Join(dir, "macroa.db")); got != "Macroa's own data" {
		t.Errorf("Why after Protect = %q", got)
	}
}
