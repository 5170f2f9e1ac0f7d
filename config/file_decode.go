package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/suggest"
)

// fileDecode is what the TOML decoder fills. Its fields shadow File's where
// the raw form is needed for validation with exact lines: keys of any shape,
// and a host's port as "given or not".
type fileDecode struct {
	File
	Keys  map[string]map[string]any `toml:"keys"`
	Hosts []hostDecode              `toml:"hosts"`
}

type hostDecode struct {
	Host
	Port *int `toml:"port"`
}

// parsedFile is a decoded, validated config.toml with what Load needs to
// name sources.
type parsedFile struct {
	file    File
	lines   keyLines
	defined func(key string) bool
}

var (
	reHostName = lazy.NewRegexp(`^[a-z0-9][a-z0-9._-]*$`)
	reEnvName  = lazy.NewRegexp(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reTomlErr  = lazy.NewRegexp(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)
	reTypeErr  = lazy.NewRegexp(`^incompatible types: TOML value has type (.+); destination has type (.+)$`)
)

// parseFile decodes and validates config.toml. display names the file in
// errors; userHome expands "~/" in paths.
func parseFile(data []byte, display, userHome string) (*parsedFile, error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")

	// Pass 1 tells syntax errors from schema errors.
	var generic map[string]any
	if _, err := toml.Decode(text, &generic); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &FileError{File: display, Line: syntaxLine(text, pe.Position), Msg: "syntax error: " + pe.Message}
		}
		return nil, &FileError{File: display, Msg: "syntax error: " + strings.TrimPrefix(err.Error(), "toml: ")}
	}

	lines := scanKeyLines(text)
	v := &validator{display: display, lines: lines}
	// The decoder quietly skips a non-table value where a Go map is expected,
	// so those shapes are checked on the generic form first.
	v.tablesOnly(generic)
	if err := v.err(); err != nil {
		return nil, err
	}

	var fd fileDecode
	md, err := toml.Decode(text, &fd)
	if err != nil {
		return nil, decodeError(err, display, generic, lines)
	}

	undecoded := md.Undecoded()
	reported := map[string]bool{}
	for _, k := range undecoded {
		if parentReported(k, reported) {
			continue
		}
		reported[k.String()] = true
		msg := "unknown key"
		if s := suggestField(k); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		v.add(k.String(), k.String(), msg)
	}

	f := fd.File
	f.Keys = v.keys(fd.Keys)
	f.Hosts = v.hosts(fd.Hosts, userHome)
	v.providers(f.Providers)
	v.tiers(f.Tiers, f.Providers)
	v.policy(&f.Policy, f.Hosts)
	v.notify(f.Notify)
	v.monitor(f.Monitor, f.Alerts)
	v.prometheus(f.Prometheus, f.Hosts)
	v.budget(f.Budget)
	v.prices(f.Prices)
	if err := v.err(); err != nil {
		return nil, err
	}
	f.Alerts.marginGiven = lines.has("alerts.margin")
	applyFileDefaults(&f)
	return &parsedFile{
		file:  f,
		lines: lines,
		defined: func(key string) bool {
			return md.IsDefined(strings.Split(key, ".")...)
		},
	}, nil
}

// syntaxLine is the line of a syntax error. The lexer counts a line once
// it has read its newline, so an error about an unexpected end of line is
// placed by its byte offset instead, on the line that needs fixing.
func syntaxLine(text string, p toml.Position) int {
	if p.Start > 0 && p.Start <= len(text) {
		return strings.Count(text[:p.Start], "\n") + 1
	}
	return p.Line
}

func applyFileDefaults(f *File) {
	applyMonitorDefaults(f)
	if f.Sandbox == "" {
		f.Sandbox = SandboxBestEffort
	}
	if f.Policy.Autonomy == "" {
		f.Policy.Autonomy = AutonomySuggest
	}
	if f.Policy.ApprovalExpiry == 0 {
		f.Policy.ApprovalExpiry = Duration(DefaultApprovalExpiry)
	}
	if f.Policy.ApprovalWait == 0 {
		f.Policy.ApprovalWait = Duration(DefaultApprovalWait)
	}
	for i := range f.Notify {
		if f.Notify[i].MinPriority == "" {
			f.Notify[i].MinPriority = NotifyDefault
		}
	}
}

func parentReported(k toml.Key, reported map[string]bool) bool {
	for n := len(k) - 1; n > 0; n-- {
		if reported[k[:n].String()] {
			return true
		}
	}
	return false
}

// suggestField proposes a known key close to an unknown one, using the
// toml tags of the schema.
func suggestField(k toml.Key) string {
	t := reflect.TypeOf(File{})
	for _, seg := range k[:len(k)-1] {
		for t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, ok := fieldByTag(t, seg)
			if !ok {
				return ""
			}
			t = f.Type
		default:
			return ""
		}
	}
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	var tags []string
	for i := 0; i < t.NumField(); i++ {
		if tag := strings.Split(t.Field(i).Tag.Get("toml"), ",")[0]; tag != "" {
			tags = append(tags, tag)
		}
	}
	return suggest.Closest(strings.ToLower(k[len(k)-1]), tags)
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if strings.Split(t.Field(i).Tag.Get("toml"), ",")[0] == tag {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}
