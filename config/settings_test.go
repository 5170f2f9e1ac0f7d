package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range table.Get() {
		if seen[s.Name] {
			t.Errorf("%s appears twice", s.Name)
		}
		seen[s.Name] = true
		if s.Description == "" || s.apply == nil || s.show == nil {
			t.Errorf("%s: missing description, apply or show", s.Name)
		}
		if (s.FileKey != "") != (s.fromFile != nil) {
			t.Errorf("%s: FileKey %q and fromFile disagree", s.Name, s.FileKey)
		}
		if s.Secret && s.Default != "" {
			t.Errorf("%s: a secret with a default", s.Name)
		}
		if s.Kind.String() == "unknown" {
			t.Errorf("%s: unknown kind", s.Name)
		}
		// Every default parses as its own kind.
		if s.Default != "" && s.Name != homeSetting {
			raw := strings.ReplaceAll(s.Default, homePlaceholder, "/h")
			if _, reason := parseValue(&s, raw, "/h", "/u"); reason != "" {
				t.Errorf("%s: default %q does not parse: %s", s.Name, s.Default, reason)
			}
		}
	}
	for _, r := range retired {
		if seen[r.Name] {
			t.Errorf("%s is both a setting and retired", r.Name)
		}
	}
}

// Each FileKey names a real config.toml field, and fromFile reads that field.
func TestFileKeysMatchSchema(t *testing.T) {
	f := newFixture(t)
	f.toml("theme = \"t1\"\nuser_name = \"u1\"\n[models]\nnano = \"m-nano\"\nhaiku = \"m-haiku\"\nsonnet = \"m-sonnet\"\nopus = \"m-opus\"\n[budget]\nsession_usd = 1.5\ndaily_usd = 2.5\nmonthly_usd = 20\n")
	c := f.load()
	for _, s := range table.Get() {
		if s.FileKey == "" {
			continue
		}
		src := c.Source(s.Name)
		if !strings.HasPrefix(src, "~/.macroa/config.toml line ") {
			t.Errorf("%s (%s) came from %q, not config.toml", s.Name, s.FileKey, src)
		}
	}
	got := []string{c.Theme, c.UserName, c.Models[0], c.Models[1], c.Models[2], c.Models[3]}
	want := []string{"t1", "u1", "m-nano", "m-haiku", "m-sonnet", "m-opus"}
	if !reflect.DeepEqual(got, want) || c.SessionBudgetUSD != 1.5 || c.DailyBudgetUSD != 2.5 || c.MonthlyBudgetUSD != 20 {
		t.Errorf("got %q / %v %v %v", got, c.SessionBudgetUSD, c.DailyBudgetUSD, c.MonthlyBudgetUSD)
	}
}

func TestDefinitions(t *testing.T) {
	defs := Definitions()
	if len(defs) != len(table.Get()) {
		t.Fatalf("%d definitions for %d settings", len(defs), len(table.Get()))
	}
	want := map[string]Definition{
		"OPENROUTER_API_KEY":    {Name: "OPENROUTER_API_KEY", Kind: KindString, Secret: true},
		"MACROA_API_KEY":        {Name: "MACROA_API_KEY", Kind: KindString, Secret: true},
		"MACROA_BASE_URL":       {Name: "MACROA_BASE_URL", Kind: KindURL},
		"MACROA_DB_PATH":        {Name: "MACROA_DB_PATH", Kind: KindPath, Default: "<home>/macroa.db"},
		"MACROA_CONTEXT_WINDOW": {Name: "MACROA_CONTEXT_WINDOW", Kind: KindInt, Default: "20"},
		"MACROA_SHELL_TIMEOUT":  {Name: "MACROA_SHELL_TIMEOUT", Kind: KindDuration, Default: "30s"},
		"MACROA_MODEL_HAIKU":    {Name: "MACROA_MODEL_HAIKU", Kind: KindString, Default: "anthropic/claude-haiku-4-5", FileKey: "models.haiku"},
	}
	for _, d := range defs {
		w, ok := want[d.Name]
		if !ok {
			continue
		}
		d.Description = ""
		if d != w {
			t.Errorf("%s = %+v, want %+v", d.Name, d, w)
		}
		delete(want, d.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing definitions: %v", want)
	}
}

func TestParseValueBool(t *testing.T) {
	s := &setting{Definition: Definition{Name: "X", Kind: KindBool}}
	for raw, want := range map[string]bool{"1": true, "TRUE": true, "yes": true, "on": true, "0": false, "false": false, "No": false, "off": false} {
		v, reason := parseValue(s, raw, "", "")
		if reason != "" || v.b != want {
			t.Errorf("%q → %v, %q", raw, v.b, reason)
		}
	}
	if _, reason := parseValue(s, "maybe", "", ""); reason == "" {
		t.Error("maybe accepted as a bool")
	}
}
