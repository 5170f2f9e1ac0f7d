package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/macroa/macroa/core/kernel"
)

// macroa run shows a cancelled answer with its marker, from the result's
// field, on the terminal and in --json; an answer that merely ends with
// the marker's words is shown as it is.
func TestPrintRunResultCancelled(t *testing.T) {
	const stopped = "cancelled; the partial answer is kept"
	cases := []struct {
		name       string
		res        kernel.Result
		wantText   string // stdout without --json
		wantOutput string // the output field of --json
	}{
		{"partial answer", kernel.Result{Output: "first second", Cancelled: true, Error: stopped},
			"first second\n[cancelled]\n", "first second\n[cancelled]"},
		{"nothing had arrived", kernel.Result{Cancelled: true, Error: stopped},
			"[cancelled]\n", "[cancelled]"},
		{"the marker as the answer's own words", kernel.Result{Output: "say [cancelled]", Success: true},
			"say [cancelled]\n", "say [cancelled]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := printRunResult(&stdout, &stderr, tc.res, nil, false, false)
			if stdout.String() != tc.wantText {
				t.Errorf("printed %q, want %q", stdout.String(), tc.wantText)
			}
			if (err == nil) != tc.res.Success {
				t.Errorf("error %v for a result with success %v", err, tc.res.Success)
			}
			stdout.Reset()
			_ = printRunResult(&stdout, &stderr, tc.res, nil, true, false)
			var got struct {
				Output  string `json:"output"`
				Success bool   `json:"success"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("--json printed %q: %v", stdout.String(), err)
			}
			if got.Output != tc.wantOutput || got.Success != tc.res.Success {
				t.Errorf("--json output %q success %v, want %q %v", got.Output, got.Success, tc.wantOutput, tc.res.Success)
			}
		})
	}
}
