package prom

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzBuild: no answer, however malformed, panics the reading of it.
func FuzzBuild(f *testing.F) {
	for _, name := range queryFiles {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"127.0.0.1:9100","macroa_part":"cores"},"value":[1,"1e400"]}]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"-0"]},{"metric":null,"value":null}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &http.Response{StatusCode: 200, Header: http.Header{}}
		samples, err := Source{URL: "http://x"}.decode(resp, body)
		if err != nil {
			return
		}
		// The answer stands in for each kind of query at once.
		build([]string{recordedInstance, ""}, [][]sample{samples, samples, samples, samples}, time.Unix(0, 0))
	})
}
