// Package secretpath knows which files hold credentials: SSH keys, Macroa's
// own keys and database, cloud and container credentials, and the like. The
// shell policy, the file tools and the sandbox all ask it, so a path counts
// as secret in one place only.
package secretpath

import (
	"path"
	"strings"
)

// Why says why reading p may reveal a secret, or "" when it does not look
// like a credential. p is matched as written (after path.Clean); callers that
// can resolve symlinks should pass the resolved path too.
func Why(p string) string {
	l := strings.ToLower(path.Clean(p))
	base := path.Base(l)
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return "an environment file, which may hold secrets"
	case strings.Contains(l, ".ssh/") || base == ".ssh" || strings.HasPrefix(base, "id_rsa") ||
		strings.HasPrefix(base, "id_ed25519") || strings.HasPrefix(base, "id_ecdsa") || strings.HasPrefix(base, "id_dsa"):
		return "SSH keys or settings"
	case strings.Contains(l, "/etc/shadow") || strings.Contains(l, "/etc/gshadow") || strings.Contains(l, "/etc/sudoers"):
		return "a system credential file"
	case strings.HasSuffix(l, "/environ") || base == "environ":
		return "a process's environment, which may hold secrets"
	case strings.Contains(l, ".macroa"):
		return "Macroa's own data, which holds its keys and memory"
	case base == ".netrc" || base == ".pgpass" || base == ".git-credentials" || base == ".npmrc" || base == ".pypirc" ||
		strings.Contains(l, ".aws/") || strings.Contains(l, ".gnupg") || strings.Contains(l, ".docker/config.json") ||
		strings.Contains(l, ".kube/config") || strings.HasSuffix(l, ".pem") || strings.HasSuffix(l, ".key"):
		return "a credentials file"
	}
	return ""
}
