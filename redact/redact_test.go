package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		in, want string
		known    []string
	}{
		{in: "!echo hi", want: "!echo hi"},
		{in: "remember my wifi password is hunter2", want: "remember my wifi password is [redacted]"},
		{in: "remember my api key = abc123", want: "remember my api key = [redacted]"},
		{in: "token: 'a b c' ok", want: "token: [redacted] ok"},
		{in: "use sk-or-v1-0123456789abcdef0123 now", want: "use [redacted] now"},
		{in: "curl -H 'Authorization: Bearer abcdefghijkl'", want: "curl -H 'Authorization: Bearer [redacted]'"},
		{in: "OPENROUTER_API_KEY=xyz macroa", want: "OPENROUTER_API_KEY=[redacted] macroa"},
		{in: "git clone https://ann:s3cret@example.com/r.git", want: "git clone https://[redacted]@example.com/r.git"},
		{in: "my key is mysecretvalue here", known: []string{"mysecretvalue"}, want: "my key is [redacted] here"},
		{in: "remember my server IP is 10.0.0.1", want: "remember my server IP is 10.0.0.1"},
		{in: "the token bucket", want: "the token bucket"},
		// Hostile shapes.
		{in: "x ghp_0123456789abcdefghijABCDEFGHIJ y", want: "x [redacted] y"},
		{in: "glpat-abcdefghij0123456789", want: "[redacted]"},
		{in: "AKIAIOSFODNN7EXAMPLE and ASIAIOSFODNN7EXAMPLE", want: "[redacted] and [redacted]"},
		{in: "AIzaSyA-0123456789abcdefghijklmnopqrstu", want: "[redacted]"},
		{in: "stripe sk_live_0123456789abcdefABCD", want: "stripe [redacted]"},
		{in: "hf_abcdefghijklmnopqrstuvwxyz0123456", want: "[redacted]"},
		{in: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", want: "aws_secret_access_key = [redacted]"},
		{in: `{"api_key": "abcdefgh12345678"}`, want: `{"api_key": "[redacted]"}`},
		{in: "export GITHUB_TOKEN=abc", want: "export GITHUB_TOKEN=[redacted]"},
		{in: "https://:p%40ss@host/v1", want: "https://[redacted]@host/v1"},
		{in: "https://ann:p@ss@host/v1", want: "https://[redacted]@host/v1"},
		{in: "https://@host/v1 and http://h/?to=a@b", want: "https://@host/v1 and http://h/?to=a@b"},
		{in: "pin is 4821", want: "pin is [redacted]"},
		// Key shapes.
		{in: "k=AIzaSyD-abcdefghijklmnopqrstuvwxyz_0123", want: "k=[redacted]"},
		{in: "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAw rest", want: "[redacted] rest"},
		{in: "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", want: "[redacted]"},
		{in: "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", want: "[redacted]"},
		{in: "rk_live_CANARYSTRIPE pk_live_0123456789abcd sk_test_abcdefghij12", want: "[redacted] [redacted] [redacted]"},
		{in: "whsec_0123456789abcdefABCDEFghij", want: "[redacted]"},
		{in: "twilio SK0123456789abcdef0123456789abcdef end", want: "twilio [redacted] end"},
		{in: "sk-proj-Ab3_xY9-0123456789abcdefghij", want: "[redacted]"},
		{in: "sk-ant-api03-abcdefghijklmnop0123456789", want: "[redacted]"},
		{in: "post https://hooks.slack.com/services/T0001/B0002/XXXXabcdXXXX now", want: "post [redacted] now"},
		{in: "https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-JKL now", want: "[redacted] now"},
		{in: "https://discordapp.com/api/webhooks/1234/abcdefgh", want: "[redacted]"},
		// A URL's user name is its secret when it is a token.
		{in: "MACROA_BASE_URL=http://CANARYUSERTOK@127.0.0.1:9/v1", want: "MACROA_BASE_URL=http://[redacted]@127.0.0.1:9/v1"},
		{in: "git clone https://ghtoken123@github.com/o/r.git", want: "git clone https://[redacted]@github.com/o/r.git"},
		// Names that now name secrets.
		{in: "AUTH=CANARYAUTH_1", want: "AUTH=[redacted]"},
		{in: "SESSION_COOKIE=abcdefgh1234", want: "SESSION_COOKIE=[redacted]"},
		{in: "SENTRY_DSN=https://abc@o1.ingest.sentry.io/1", want: "SENTRY_DSN=[redacted]"},
		{in: "my gmail login is me:CANARY10gm", want: "my gmail login is [redacted]"},
		{in: "bank login is CANARY6bank", want: "bank login is [redacted]"},
		{in: "iban: DE89370400440532013000", want: "iban: [redacted]"},
		{in: "2fa backup: 1234-5678", want: "2fa backup: [redacted]"},
		{in: "security answer is fluffy", want: "security answer is [redacted]"},
		// Hostile variants.
		{in: "Login: me:CANARY10gm", want: "Login: [redacted]"},
		{in: "HTTP://TOK123456@host/v1", want: "HTTP://[redacted]@host/v1"},
		{in: "see https://user%3Atok@h.example/x", want: "see https://[redacted]@h.example/x"},
		{in: "SKabcdef0123456789abcdef0123456789", want: "[redacted]"},
		{in: `{"pw":"pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg"}`, want: `{"pw":"[redacted]"}`},
		{in: `url="https://hooks.slack.com/services/T1/B2/abc"`, want: `url="[redacted]"`},
		{in: "SESSION_ID=abcdef0123456789", want: "SESSION_ID=[redacted]"},
		{in: "my sort code is 12-34-56", want: "my sort code is [redacted]"},
		// Ordinary words that only look like them.
		{in: "my favourite cookie is oatmeal", want: "my favourite cookie is oatmeal"},
		{in: "my session cookie is abcdef123", want: "my session cookie is [redacted]"},
		{in: "auth method: oauth", want: "auth method: oauth"},
		{in: "I went to the session yesterday", want: "I went to the session yesterday"},
		{in: "author: Ann", want: "author: Ann"},
		{in: "login shell is /bin/zsh", want: "login shell is /bin/zsh"},
		{in: "ASK the DESK about 0123456789abcdef0123456789abcdef", want: "ASK the DESK about 0123456789abcdef0123456789abcdef"},
		{in: "SK0123 is a product", want: "SK0123 is a product"},
		// Ordinary text stays.
		{in: "max_tokens: 2048", want: "max_tokens: 2048"},
		{in: "the password is wrong, try again", want: "the password is wrong, try again"},
		{in: "the secret is to knead longer", want: "the secret is to knead longer"},
		{in: "my editor is helix", want: "my editor is helix"},
		{in: "http://127.0.0.1:11434/v1", want: "http://127.0.0.1:11434/v1"},
		// Known values: longest first, short ones only as whole words.
		{in: "abcdefXYZ", known: []string{"abcdef", "abcdefXYZ"}, want: "[redacted]"},
		{in: "pin 4821, port 48210", known: []string{"4821"}, want: "pin [redacted], port 48210"},
		{in: "abc", known: []string{"abc"}, want: "abc"},
	}
	for _, tc := range tests {
		if got := String(tc.in, tc.known...); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStringRemovesPrivateKeys(t *testing.T) {
	body := "MIIEowIBAAKCAQEAq7BFUAkGqL2tW1XpZ0mNbS2s3n5Q8u4Pz0h3mKEYBODYLINE\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	tests := []struct{ name, in string }{
		{"rsa", "before\n-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\nafter"},
		{"openssh", "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----\nafter"},
		{"pkcs8", "before\n-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\nafter"},
		{"encrypted headers", "before\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\n" + body + "-----END RSA PRIVATE KEY-----\nafter"},
		{"cut short", "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body},
		{"pgp", "before\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + body + "-----END PGP PRIVATE KEY BLOCK-----\nafter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			if strings.Contains(got, "KEYBODYLINE") || strings.Contains(got, "b3BlbnNzaC1rZXkt") || !strings.Contains(got, Marker) {
				t.Fatalf("key body left in %q", got)
			}
			if !strings.HasPrefix(got, "before") {
				t.Fatalf("text before the key lost: %q", got)
			}
		})
	}
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host"
	if String(pub) != pub {
		t.Errorf("a public key was redacted: %q", String(pub))
	}
}

func TestSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"wifi password", true}, {"wifiPassword", true}, {"wifipassword", true}, {"WIFI_PASSWORD", true},
		{"bank pin", true}, {"PIN", true}, {"github token", true}, {"GITHUB_TOKEN", true},
		{"api key", true}, {"apiKey", true}, {"api_key", true}, {"apikey", true}, {"OPENAI_API_KEY", true},
		{"ssh private key", true}, {"secret", true}, {"aws secret", true}, {"db credentials", true},
		{"passphrase", true}, {"wi-fi key", true}, {"door code", true}, {"seed phrase", true},
		{"recovery codes", true}, {"credit card", true}, {"card number", true}, {"cvv", true},
		{"gmail login", true}, {"bank login", true}, {"gmail_login", true}, {"bank logon", true}, {"netflix signin", true},
		{"amazon sign in", true}, {"auth", true}, {"github auth", true}, {"passcode", true}, {"session cookie", true},
		{"session token", true}, {"session id", true}, {"recovery code", true}, {"backup codes", true},
		{"2fa", true}, {"2FA backup", true}, {"mfa code", true}, {"security answer", true}, {"security question", true},
		{"account number", true}, {"iban", true}, {"IBAN", true}, {"routing number", true}, {"license key", true},
		{"sort code", true}, {"sentry dsn", true}, {"slack webhook", true}, {"db creds", true}, {"cred", true},
		{"passkey", true}, {"cookies", true}, {"login", true},
		{"author", false}, {"authority", false}, {"session", false}, {"session notes", false}, {"login shell", false},
		{"editor", false}, {"secretary", false}, {"tokenizer", false}, {"pinned", false},
		{"house key", false}, {"keyboard", false}, {"spinach", false}, {"server ip", false},
		{"zip code", false}, {"favourite number", false}, {"passport", false}, {"", false},
		// Names a red-team put in facts that still reached the model.
		{"mothers maiden name", true}, {"mother's maiden name", true}, {"MothersMaidenName", true},
		{"vpn psk", true}, {"psk", true}, {"pre-shared key", true}, {"preshared key", true}, {"wireguard presharedkey", true},
		{"root pw", true}, {"ROOT_PW", true}, {"rootPw", true},
		{"bank account", true}, {"savings account", true}, {"bank account number", true},
		{"github pat", true}, {"GITHUB_PAT", true}, {"gitlab pat", true}, {"personal access pat", true},
		{"safe combination", true}, {"lock combination", true}, {"locker combo", true}, {"account key", true},
		{"github account", false}, {"account", false}, {"user account", false}, {"maiden voyage", false},
		{"pat", false}, {"pattern", false}, {"pat the dog", false}, {"colour combination", false},
		{"pwm fan", false}, {"pew", false}, {"name", false}, {"first name", false},
	}
	for _, tc := range tests {
		if got := SecretName(tc.name); got != tc.want {
			t.Errorf("SecretName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A fact printed as "key = value" (the memory skill, an audit entry's
// action, an agent's recall) loses its value when the key names a secret.
func TestStringSecretNamedPairs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"remember wifi_password = hunter2", "remember wifi_password = [redacted]"},
		{"• door_code = 4321 (pinned)", "• door_code = [redacted] (pinned)"},
		{"my door code is 4321", "my door code is [redacted]"},
		{"bank_pin: 7351", "bank_pin: [redacted]"},
		{`"github_token": "abc"`, `"github_token": "[redacted]"`},
		{"editor = helix", "editor = helix"},
		{"my editor is helix and my zip code is 12345", "my editor is helix and my zip code is 12345"},
		{"the door code is wrong", "the door code is wrong"},
		{"secretary = Ann", "secretary = Ann"},
		{"• gmail_login = me:CANARY10gm", "• gmail_login = [redacted]"},
		{"• bank_login = CANARY6bank", "• bank_login = [redacted]"},
		{"recovery_codes: abcd-efgh", "recovery_codes: [redacted]"},
	}
	for _, tc := range tests {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Secrets a red-team got past String: facts printed with names SecretName
// missed, key shapes it did not know, keys glued to a word or a JSON
// escape, and passwords given to a command on its command line.
func TestStringRedTeam(t *testing.T) {
	const twilio = "SK0123456789abcdef0123456789abcdef"
	const awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const tg = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
	const age = "AGE-SECRET-KEY-1QQPQZRFR7ZZ2WCV7DKCS5JJZMHWGMTGCCWQ3ZS7CS0FQQ5MHY7ASXKDMEG"
	tests := []struct{ in, want string }{
		// Fact names.
		{"• mothers_maiden_name = Smithson", "• mothers_maiden_name = [redacted]"},
		{"my mother's maiden name is Smithson", "my mother's maiden name is [redacted]"},
		{"vpn psk: Xk29vLq0", "vpn psk: [redacted]"},
		{"• vpn_psk = Xk29vLq0", "• vpn_psk = [redacted]"},
		{"the pre-shared key is Xk29vLq0", "the pre-shared key is [redacted]"},
		{"root pw is hunter2", "root pw is [redacted]"},
		{"• root_pw = hunter2", "• root_pw = [redacted]"},
		{"• bank_account = 12345678", "• bank_account = [redacted]"},
		{"my bank account is 12345678", "my bank account is [redacted]"},
		{"• github_pat = abcdef123456", "• github_pat = [redacted]"},
		{"GITHUB_PAT=abcdef123456", "GITHUB_PAT=[redacted]"},
		{"the safe combination is 12-34-56", "the safe combination is [redacted]"},
		{"• safe_combination = 12-34-56", "• safe_combination = [redacted]"},
		{"my github account is annd", "my github account is annd"},
		{"PATH=/usr/bin:/bin", "PATH=/usr/bin:/bin"},
		{"the colour combination is teal", "the colour combination is teal"},
		// Key shapes.
		{"bot token " + tg + " ok", "bot token [redacted] ok"},
		{"https://api.telegram.org/bot" + tg + "/getMe", "https://api.telegram.org/bot[redacted]/getMe"},
		{"# " + age, "# [redacted]"},
		{"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net",
			"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[redacted];EndpointSuffix=core.windows.net"},
		{"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA0K+/=;EntityPath=orders",
			"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKey=[redacted];EntityPath=orders"},
		{"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA0K+/=",
			"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=[redacted]"},
		{"mailgun key-0123456789abcdef0123456789abcdef", "mailgun [redacted]"},
		{"monkey-0123456789abcdef0123456789abcdef", "monkey-0123456789abcdef0123456789abcdef"},
		{"AKIAIOSFODNN7EXAMPLE " + awsSecret, "[redacted] [redacted]"},
		{"ann,,AKIAIOSFODNN7EXAMPLE," + awsSecret, "ann,,[redacted],[redacted]"},
		{"AWS_SECRET_ACCESS_KEY " + awsSecret, "AWS_SECRET_ACCESS_KEY [redacted]"},
		{"AWS Secret Access Key [None]: " + awsSecret, "AWS Secret Access Key [None]: [redacted]"},
		{"aws configure set aws_secret_access_key " + awsSecret, "aws configure set aws_secret_access_key [redacted]"},
		{"commit 0123456789abcdef0123456789abcdef01234567", "commit 0123456789abcdef0123456789abcdef01234567"},
		// Keys glued to a word, or behind a JSON escape.
		{"key_" + twilio, "key_[redacted]"},
		{`{"out":"a\n` + twilio + `"}`, `{"out":"a\n[redacted]"}`},
		{`"\t` + twilio + ` x"`, `"\t[redacted] x"`},
		{twilio + "_x " + twilio, "[redacted]_x [redacted]"},
		{`{"out":"a\nghp_0123456789abcdefghijABCDEFGHIJ"}`, `{"out":"a\n[redacted]"}`},
		{"task-sk-proj-0123456789abcdefghij", "task-[redacted]"},
		{"SK0123456789abcdef0123456789abcdef0", "SK0123456789abcdef0123456789abcdef0"},
		// Passwords on command lines: only the password goes.
		{"$ mysql -uroot -phunter2 shop", "$ mysql -uroot -p[redacted] shop"},
		{"mysqldump -u root -p'hunter 2' shop > x.sql", "mysqldump -u root -p[redacted] shop > x.sql"},
		{"mysql --password=hunter2 shop", "mysql --password=[redacted] shop"},
		{"mariadb --password hunter2 shop", "mariadb --password [redacted] shop"},
		{"mysql -p shop", "mysql -p shop"},
		{"sshpass -p hunter2 ssh ann@host", "sshpass -p [redacted] ssh ann@host"},
		{"sshpass -phunter2 ssh ann@host", "sshpass -p[redacted] ssh ann@host"},
		{"curl -u ann:hunter2 https://x.example/", "curl -u ann:[redacted] https://x.example/"},
		{"curl -sS --user ann:hunter2 https://x.example/", "curl -sS --user ann:[redacted] https://x.example/"},
		{"curl --user=ann:hunter2 'https://x.example/?a=1&b=2'", "curl --user=ann:[redacted] 'https://x.example/?a=1&b=2'"},
		{"curl 'https://x.example/?a=1&b=2' -su 'ann:hunter 2'", "curl 'https://x.example/?a=1&b=2' -su 'ann:[redacted]'"},
		{"curl -uann:hunter2 https://x.example/", "curl -uann:[redacted] https://x.example/"},
		{"curl -u ann https://x.example/", "curl -u ann https://x.example/"},
		{"PGPASSWORD=hunter2 psql -h db", "PGPASSWORD=[redacted] psql -h db"},
		{"PGPASSWORD='hunter 2' psql -h db", "PGPASSWORD=[redacted] psql -h db"},
		{"redis-cli -h cache -a hunter2 ping", "redis-cli -h cache -a [redacted] ping"},
		{"redis-cli --user ann --pass hunter2 ping", "redis-cli --user ann --pass [redacted] ping"},
		{"ls -a /tmp", "ls -a /tmp"},
		{"gpg --batch --passphrase hunter2 -d f.gpg", "gpg --batch --passphrase [redacted] -d f.gpg"},
		{"openssl rsa -in k.pem -passin pass:hunter2 -out x", "openssl rsa -in k.pem -passin pass:[redacted] -out x"},
		{`{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"` + awsSecret + `"}`, `{"AccessKeyId":"[redacted]","SecretAccessKey":"[redacted]"}`},
		{"docker login --password-stdin -u ann", "docker login --password-stdin -u ann"},
		{"mkdir -p /x && mysql -e 'show tables'", "mkdir -p /x && mysql -e 'show tables'"},
		{"curl -X PUT -d 'a:b' https://h/", "curl -X PUT -d 'a:b' https://h/"},
		{"ssh -p 2222 ann@host", "ssh -p 2222 ann@host"},
	}
	for _, tc := range tests {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// ValueParts lists a secret value and the pieces of it that are secrets on
// their own: the password after "user:" in a login.
func TestValueParts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"me:CANARY10gm", []string{"me:CANARY10gm", "CANARY10gm"}},
		{"ann@example.com:hunter22", []string{"ann@example.com:hunter22", "hunter22"}},
		{"CANARY6bank", []string{"CANARY6bank"}},
		{"ab:cd", []string{"ab:cd"}},
		{"https://example.com/login", []string{"https://example.com/login"}},
	}
	for _, tc := range tests {
		got := ValueParts(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ValueParts(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
