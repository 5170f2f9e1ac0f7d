package actions

import (
	"reflect"
	"strings"
	"testing"
)

func TestCodecRoundTrip(t *testing.T) {
	for _, a := range []Action{
		{Kind: ServiceRestart, Params: Service{Unit: "nginx.service"}},
		{Kind: JournalTail, Params: Journal{Unit: "ssh", Lines: 50}},
		{Kind: DiskCleanup, Params: Cleanup{Set: TempFiles, Days: 7}},
		{Kind: DiagnosticRun, Params: Diagnostic{Name: "df"}},
		{Kind: FileWrite, Params: File{Path: "/etc/motd", Content: "hi\n", Mode: 0o640, Diff: "-a\n+b\n", Backup: "/var/backups/motd", Existed: true}},
		{Kind: PackageUpdate, Params: Package{Manager: "apt", Packages: []string{"curl"}}},
		{Kind: SystemReboot, Host: "web1", Params: Reboot{}},
		{Kind: CommandRun, Params: Command{Shell: "df -h | sort", Dir: "/srv"}},
		{Kind: MemoryRemember, Params: Memory{Key: "editor", Value: "vim"}},
		{Kind: MemoryForget, Params: Memory{Key: "editor"}},
		{Kind: FileRead, Params: Read{Path: "/home/a/.ssh/id_rsa"}},
	} {
		b, err := EncodeParams(a.Params)
		if err != nil {
			t.Fatalf("%s: %v", a.Kind, err)
		}
		got, err := Decode(a.Kind, a.Host, b)
		if err != nil {
			t.Fatalf("%s: decode %s: %v", a.Kind, b, err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("%s: round trip %+v, want %+v", a.Kind, got, a)
		}
		if a.Summary() == "" {
			t.Errorf("%s: empty summary", a.Kind)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, c := range []struct {
		kind   Kind
		params string
		want   string
	}{
		{ServiceRestart, `{"unit":"nginx","force":true}`, "unknown field"},
		{ServiceRestart, `{"unit":"ng inx"}`, "unit"},
		{"shell.exec", `{}`, "not a known kind"},
		{CommandRun, `{"shell":"ls"} {"shell":"rm -rf /"}`, "more than one"},
		{CommandRun, `{"shell":"ls","dir":"relative"}`, "not absolute"},
		{FileWrite, `{"path":"/etc/x","content":1}`, "not valid"},
		{MemoryForget, `{"key":"a","value":"b"}`, "no value"},
		{MemoryRemember, `{"key":"a\u001b[2J","value":"b"}`, "control"},
	} {
		_, err := Decode(c.kind, "", []byte(c.params))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: err %v, want %q", c.kind, c.params, err, c.want)
		}
	}
}
