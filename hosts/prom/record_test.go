package prom

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/macroa/macroa/hosts/prom/promtest"
)

var record = flag.Bool("record", false, "record testdata/*.json from a real Prometheus and node_exporter")

// recordedInstance replaces the recording's random port, so the files do
// not change with each recording.
const recordedInstance = "127.0.0.1:9100"

// queryFiles names the recording of each of queries' answers, in order.
var queryFiles = []string{"series.json", "derived.json", "units.json", "gpus.json"}

// TestRecord rewrites the recorded answers: go test ./hosts/prom -run TestRecord -record.
func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("records only with -record")
	}
	srv := promtest.Start(t, promtest.Options{Textfile: "node_reboot_required 0\n"})
	sel, err := Source{}.matchers()
	if err != nil {
		t.Fatal(err)
	}
	save := func(name string, body []byte) {
		body = bytes.ReplaceAll(body, []byte(srv.Instance), []byte(recordedInstance))
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, body, "", " "); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, body)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), append(pretty.Bytes(), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	save("up.json", srv.Query(t, "up"+join(sel)))
	for i, q := range queries(sel, []string{srv.Instance}) {
		save(queryFiles[i], srv.Query(t, q))
	}
}
