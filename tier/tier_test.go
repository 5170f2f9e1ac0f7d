package tier

import "testing"

func TestParseAndString(t *testing.T) {
	tests := []struct {
		in      string
		want    Tier
		wantErr bool
	}{
		{"nano", Nano, false},
		{"Haiku", Haiku, false},
		{" SONNET ", Sonnet, false},
		{"opus", Opus, false},
		{"gpt", Nano, true},
		{"", Nano, true},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, err=%v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err == nil && got.String() != Tier(tc.want).String() {
			t.Errorf("String round trip failed for %q", tc.in)
		}
	}
	if Tier(9).String() != "tier(9)" {
		t.Errorf("out-of-range String = %q", Tier(9).String())
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		from Tier
		to   Tier
		ok   bool
	}{{Nano, Haiku, true}, {Haiku, Sonnet, true}, {Sonnet, Opus, true}, {Opus, Opus, false}}
	for _, tc := range tests {
		if got, ok := tc.from.Next(); got != tc.to || ok != tc.ok {
			t.Errorf("%v.Next() = %v, %v; want %v, %v", tc.from, got, ok, tc.to, tc.ok)
		}
	}
}

func TestText(t *testing.T) {
	var got Tier
	if err := got.UnmarshalText([]byte("sonnet")); err != nil || got != Sonnet {
		t.Fatalf("UnmarshalText = %v, %v", got, err)
	}
	if err := got.UnmarshalText([]byte("huge")); err == nil {
		t.Fatal("UnmarshalText accepted an unknown tier")
	}
	b, _ := Opus.MarshalText()
	if string(b) != "opus" {
		t.Fatalf("MarshalText = %q", b)
	}
}
