package redact

import (
	"strings"
	"testing"
)

// ordinaryText is command output and prose with nothing secret in it: the
// cheap pre-checks must let it through without running the patterns.
var ordinaryText = strings.Repeat("total 48\ndrwxr-xr-x  5 ann staff  160 Dec  2 05:10 project\n"+
	"The build finished in 2.3s; 14 tests passed and the cache was warm.\n"+
	"GET /v1/models 200 12ms user-agent=curl/8.4 remote=127.0.0.1:53122\n", 200)

// secretText holds a secret every few lines, so the patterns run.
var secretText = strings.Repeat("deploy with sk-proj-0123456789abcdefghij0123 then\n"+
	"remember my wifi password is hunter2\n"+
	"The build finished in 2.3s; 14 tests passed and the cache was warm.\n", 200)

func BenchmarkStringOrdinary(b *testing.B) {
	b.SetBytes(int64(len(ordinaryText)))
	for i := 0; i < b.N; i++ {
		String(ordinaryText, "knownSecretValue1", "4821")
	}
}

func BenchmarkStringSecrets(b *testing.B) {
	b.SetBytes(int64(len(secretText)))
	for i := 0; i < b.N; i++ {
		String(secretText, "knownSecretValue1", "4821")
	}
}
