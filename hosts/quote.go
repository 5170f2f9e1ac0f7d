package hosts

import (
	"errors"
	"strings"
)

// RemoteLine renders cmd as the one line a remote host's shell reads (an
// SSH session carries a string, not an argument list): every word in
// single quotes, a single quote inside one written '\”, so no word is
// split, globbed or expanded there, whatever it holds ($(), backquotes,
// newlines, quotes). The directory and extra environment come first, as
// cd and env. A word holding a NUL byte cannot be carried and is refused.
func RemoteLine(cmd Command) (string, error) {
	if len(cmd.Argv) == 0 {
		return "", errors.New("remote command: empty argument list")
	}
	var b strings.Builder
	if cmd.Dir != "" {
		b.WriteString("cd ")
		if err := quoteTo(&b, cmd.Dir); err != nil {
			return "", err
		}
		b.WriteString(" && ")
	}
	if len(cmd.Env) > 0 {
		b.WriteString("env")
		for _, kv := range cmd.Env {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" || strings.ContainsAny(k, " \t\n'\"$=") {
				return "", errors.New("remote command: an environment entry is not NAME=value")
			}
			b.WriteByte(' ')
			if err := quoteTo(&b, kv); err != nil {
				return "", err
			}
		}
		b.WriteByte(' ')
	}
	for i, a := range cmd.Argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if err := quoteTo(&b, a); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// ShellQuote is one word in single quotes for a POSIX shell.
func ShellQuote(s string) (string, error) {
	var b strings.Builder
	err := quoteTo(&b, s)
	return b.String(), err
}

func quoteTo(b *strings.Builder, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("remote command: an argument holds a NUL byte")
	}
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", `'\''`))
	b.WriteByte('\'')
	return nil
}
