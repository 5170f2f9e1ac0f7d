package redact

import (
	"regexp"
	"strings"

	"github.com/macroa/macroa/lazy"
)

// A password given to a command on its command line shows in the command
// text, in ps output and in shell history. Only the password goes: the
// option, the user name and the rest of the command stay readable.
var (
	// A shell word: quoted whole, or up to the next space or shell operator.
	// mysql, mariadb and their tools take the password glued to -p
	// ("-phunter2"); "-p" alone prompts and the next word is a database.
	mysqlPass = lazy.NewRegexp(`((?:^|\s)-p)('[^']*'|"[^"]*"|[^\s;&|]+)`)
	// sshpass -p PW and -pPW.
	sshpassPass = lazy.NewRegexp(`((?:^|\s)-p[ \t]*)('[^']*'|"[^"]*"|[^\s;&|]+)`)
	// redis-cli -a PW.
	redisPass = lazy.NewRegexp(`((?:^|\s)-a[ \t]+)('[^']*'|"[^"]*"|[^\s;&|]+)`)
	// --password PW, --pass PW, --passphrase PW (--password=PW is a named
	// secret already); openssl's -passin pass:PW.
	longPass = lazy.NewRegexp(`((?:^|\s)(?:--pass(?:word|wd|phrase)?[ \t]+|-pass(?:in|out)[ \t]+pass:))('[^']*'|"[^"]*"|[^\s;&|\-][^\s;&|]*)`)
	// curl -u user:PW, --user user:PW, --user=user:PW, -su user:PW,
	// -uuser:PW, and the same for the proxy (-U, --proxy-user).
	curlUser = lazy.NewRegexp(`((?:^|\s)(?:--(?:proxy-)?user(?:=|[ \t]+)|-[A-Za-z]*[uU][ \t]+|-[uU]))('[^']*'|"[^"]*"|[^\s;&|]+)`)
)

// commandPasswords redacts the passwords on a command line; lower is line
// in lower case. Each pattern runs only on a line that names its command.
func commandPasswords(line, lower string) string {
	if strings.Contains(lower, "mysql") || strings.Contains(lower, "mariadb") {
		line = mysqlPass.Get().ReplaceAllStringFunc(line, hideArg(mysqlPass.Get()))
	}
	if strings.Contains(lower, "sshpass") {
		line = sshpassPass.Get().ReplaceAllStringFunc(line, hideArg(sshpassPass.Get()))
	}
	if strings.Contains(lower, "redis-cli") {
		line = redisPass.Get().ReplaceAllStringFunc(line, hideArg(redisPass.Get()))
	}
	if strings.Contains(lower, "--pass") || strings.Contains(lower, "pass:") {
		line = longPass.Get().ReplaceAllStringFunc(line, hideArg(longPass.Get()))
	}
	if strings.Contains(lower, "curl") && strings.Contains(line, ":") && hasUserOption(line) {
		line = curlUser.Get().ReplaceAllStringFunc(line, func(m string) string {
			sub := curlUser.Get().FindStringSubmatch(m)
			return sub[1] + afterColon(sub[2])
		})
	}
	return line
}

// hideArg returns a replacer that keeps re's group 1 (the option) and
// hides group 2 (its value, quotes and all).
func hideArg(re *regexp.Regexp) func(string) string {
	return func(m string) string {
		sub := re.FindStringSubmatch(m)
		if strings.HasPrefix(sub[2], Marker) {
			return m
		}
		return sub[1] + Marker
	}
}

// afterColon hides the password of a "user:password" word, keeping the
// user and any closing quote; a word with no colon (curl then asks for the
// password) is kept.
func afterColon(arg string) string {
	i := strings.IndexByte(arg, ':')
	if i < 0 || strings.HasPrefix(arg[i+1:], Marker) {
		return arg
	}
	end := ""
	if q := arg[0]; (q == '\'' || q == '"') && len(arg) > 1 && arg[len(arg)-1] == q {
		end = string(q)
	}
	return arg[:i+1] + Marker + end
}

// hasUserOption reports whether line holds an option curlUser looks at: a
// word starting "-" whose letters hold a u or U, or "--user"/"--proxy-user".
// Output that merely names curl ("user-agent=curl/8.4") skips the pattern.
func hasUserOption(line string) bool {
	if strings.Contains(line, "--user") || strings.Contains(line, "--proxy-user") {
		return true
	}
	for i := 0; i+1 < len(line); i++ {
		if line[i] != '-' || line[i+1] == '-' || i > 0 && line[i-1] != ' ' && line[i-1] != '\t' {
			continue
		}
		for j := i + 1; j < len(line) && (line[j] >= 'a' && line[j] <= 'z' || line[j] >= 'A' && line[j] <= 'Z'); j++ {
			if line[j] == 'u' || line[j] == 'U' {
				return true
			}
		}
	}
	return false
}
