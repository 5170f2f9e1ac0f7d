package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// decodeArgs reads a call's JSON arguments: an object holding exactly the
// named string fields, all of them required but a name written with a
// trailing "?" ("host?"), which may be left out.
func decodeArgs(raw string, names ...string) (map[string]string, error) {
	optional := map[string]bool{}
	names = slices.Clone(names)
	for i, n := range names {
		if base, ok := strings.CutSuffix(n, "?"); ok {
			names[i], optional[base] = base, true
		}
	}
	if strings.TrimSpace(raw) == "" {
		raw = "{}"
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&fields); err != nil {
		return nil, fmt.Errorf("they are not a JSON object (%v)", err)
	}
	if dec.More() {
		return nil, errors.New("there is more text after the JSON object")
	}
	if fields == nil {
		return nil, errors.New("they are not a JSON object (null)")
	}
	var unknown []string
	for k := range fields {
		if !slices.Contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown field %s (the fields are %s)", quoteList(unknown), quoteList(names))
	}
	out := make(map[string]string, len(names))
	var missing []string
	for _, n := range names {
		v, ok := fields[n]
		if !ok || string(v) == "null" {
			if !optional[n] {
				missing = append(missing, n)
			}
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("%q must be a string", n)
		}
		out[n] = s
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing %s", quoteList(missing))
	}
	return out, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, " and ")
}
