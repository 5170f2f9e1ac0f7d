package hosts

import (
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"
)

// The configured key goes first, through the agent when it holds it;
// without one, the agent's keys come before the default files.
func TestOfferOrder(t *testing.T) {
	a1, a2, f1, f2 := newSigner(t), newSigner(t), newSigner(t), newSigner(t)
	names := map[string]string{}
	for n, s := range map[string]ssh.Signer{"a1": a1, "a2": a2, "f1": f1, "f2": f2} {
		names[string(s.PublicKey().Marshal())] = n
	}
	tests := []struct {
		name     string
		agent    []ssh.Signer
		files    []ssh.Signer
		wanted   []ssh.PublicKey
		explicit bool
		want     []string
	}{
		{"defaults", []ssh.Signer{a1, a2}, []ssh.Signer{f1}, nil, false, []string{"a1", "a2", "f1"}},
		{"configured file", []ssh.Signer{a1, a2}, []ssh.Signer{f1}, []ssh.PublicKey{f1.PublicKey()}, true, []string{"f1", "a1", "a2"}},
		{"configured, encrypted, in the agent", []ssh.Signer{a1, a2}, nil, []ssh.PublicKey{a2.PublicKey()}, true, []string{"a2", "a1"}},
		{"configured file also in the agent", []ssh.Signer{a1, f2}, []ssh.Signer{f2}, []ssh.PublicKey{f2.PublicKey()}, true, []string{"f2", "a1"}},
		{"no agent", nil, []ssh.Signer{f1, f2}, nil, false, []string{"f1", "f2"}},
	}
	for _, tc := range tests {
		var got []string
		for _, s := range offerOrder(tc.agent, tc.files, tc.wanted, tc.explicit) {
			got = append(got, names[string(s.PublicKey().Marshal())])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: offered %q, want %q", tc.name, got, tc.want)
		}
	}
}
