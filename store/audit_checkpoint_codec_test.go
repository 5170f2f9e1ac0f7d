package store

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// jsonCheckpoint is what encoding/json makes of raw, strictly: the
// behaviour the hand-written codec must keep.
func jsonCheckpoint(raw []byte) (checkpoint, error) {
	var c checkpoint
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(&c)
	return c, err
}

// TestMarshalCheckpointIsJSON: the codec writes what json.Marshal writes,
// byte for byte, for plain values and for strings that need escaping.
func TestMarshalCheckpointIsJSON(t *testing.T) {
	for _, c := range []checkpoint{
		{Version: 1, ID: 42, Hash: strings.Repeat("ab", 32), MAC: strings.Repeat("cd", 32), Count: 42, MACFrom: 1, Seal: strings.Repeat("ef", 32)},
		{Version: 1, ID: 1, Count: 1},
		{Version: -3, ID: -9223372036854775808, Count: 9223372036854775807, MACFrom: 0},
		{Version: 1, ID: 2, Hash: `a"b\c`, MAC: "<&>", Seal: "é\n\u2028"},
	} {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalCheckpoint(c)
		if err != nil || string(got) != string(want)+"\n" {
			t.Errorf("marshalCheckpoint(%+v) = %q, %v; want %q", c, got, err, want)
		}
		back, err := unmarshalCheckpoint(got)
		if err != nil || back != c {
			t.Errorf("unmarshalCheckpoint(%q) = %+v, %v; want %+v", got, back, err, c)
		}
	}
}

// TestUnmarshalCheckpointAgreesWithJSON: every file, canonical or not, is
// accepted or refused as encoding/json would, with the same values.
func TestUnmarshalCheckpointAgreesWithJSON(t *testing.T) {
	const canon = `{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`
	for _, raw := range []string{
		canon,
		canon + "\n",
		canon + "\n\n",
		canon + " trailing",
		" " + canon,
		`{"version":1, "id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"id":7,"version":1,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc","extra":1}`,
		`{"version":1,"id":7,"id":8,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1}`,
		`{"version":1,"id":07,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":-0,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7.0,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7e0,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":99999999999999999999,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":"7","hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":"a\"a","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":"\u0061a","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":7,"mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"`,
		`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}}`,
		`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc",}`,
		`{"VERSION":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`,
		`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":null}`,
		`null`,
		`{}`,
		``,
		"\x00",
	} {
		want, wantErr := jsonCheckpoint([]byte(raw))
		got, gotErr := unmarshalCheckpoint([]byte(raw))
		if (gotErr != nil) != (wantErr != nil) || gotErr == nil && got != want {
			t.Errorf("unmarshalCheckpoint(%q) = %+v, %v; encoding/json: %+v, %v", raw, got, gotErr, want, wantErr)
		}
	}
}

// TestParseCanonicalCheckpointOnlyCanonical: the hand parser takes only
// the form it writes; the rest goes to encoding/json.
func TestParseCanonicalCheckpointOnlyCanonical(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}` + "\n", true},
		{`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`, true},
		{`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"} `, false},
		{`{"version":1,"id":7,"hash":"a\u0061","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`, false},
		{`{"version":1,"id":7,"hash":"aa","mac":"bb","count":7,"mac_from":1}`, false},
		{`{"version":1,"id":007,"hash":"aa","mac":"bb","count":7,"mac_from":1,"seal":"cc"}`, false},
	}
	for _, tt := range tests {
		if _, ok := parseCanonicalCheckpoint([]byte(tt.raw)); ok != tt.want {
			t.Errorf("parseCanonicalCheckpoint(%q) ok = %v, want %v", tt.raw, ok, tt.want)
		}
	}
}
