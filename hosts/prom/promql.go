package prom

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/macroa/macroa/config"
)

// matchers is the inside of the Source's selector, `job=~".*node.*"`,
// to be joined with the matchers each query adds.
func (s Source) matchers() (string, error) {
	sel := strings.TrimSpace(s.Selector)
	if sel == "" {
		sel = config.DefaultPrometheusSelector
	}
	inner, ok := strings.CutPrefix(sel, "{")
	if ok {
		inner, ok = strings.CutSuffix(inner, "}")
	}
	if !ok || strings.ContainsAny(inner, "{}") {
		return "", fmt.Errorf("Prometheus selector %q is not label matchers in braces, like %s", clean(sel), config.DefaultPrometheusSelector)
	}
	return strings.TrimSuffix(strings.TrimSpace(inner), ","), nil
}

// join joins label matchers, skipping empty ones.
func join(ms ...string) string {
	var out []string
	for _, m := range ms {
		if m != "" {
			out = append(out, m)
		}
	}
	return "{" + strings.Join(out, ",") + "}"
}

// anyOf is a label matcher for exactly these values: PromQL regexps are
// RE2 and anchored, and its strings take Go's escapes.
func anyOf(label string, values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return label + "=~" + strconv.Quote(strings.Join(quoted, "|"))
}

// HostPart is an instance's host: "node1:9100" → "node1", "[::1]:9100" →
// "::1"; an instance without a port is its own host.
func HostPart(instance string) string {
	if h, _, err := net.SplitHostPort(instance); err == nil {
		return h
	}
	return instance
}

// nodeSeries are the raw node_exporter series one snapshot reads, and up.
var nodeSeries = []string{
	"up",
	"node_uname_info",
	"node_boot_time_seconds",
	"node_time_seconds",
	"node_load1", "node_load5", "node_load15",
	"node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes",
	"node_memory_SwapTotal_bytes", "node_memory_SwapFree_bytes",
	"node_memory_MemFree_bytes", "node_memory_Buffers_bytes", "node_memory_Cached_bytes",
	"node_filesystem_size_bytes", "node_filesystem_avail_bytes", "node_filesystem_free_bytes",
	"node_filesystem_files", "node_filesystem_files_free", "node_filesystem_device_error",
	"node_network_info",
	"node_reboot_required",
}

// gpuSeries are the GPU exporters' series read: NVIDIA's DCGM exporter
// and nvidia_gpu_exporter (nvidia_smi_*).
var gpuSeries = []string{
	"DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED",
	"DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_POWER_USAGE",
	"nvidia_smi_gpu_info", "nvidia_smi_temperature_gpu", "nvidia_smi_utilization_gpu_ratio",
	"nvidia_smi_memory_used_bytes", "nvidia_smi_memory_total_bytes", "nvidia_smi_power_draw_watts",
}

// tag is the label the derived query marks its parts with.
const tag = "macroa_part"

// queries are the instant queries that read a batch of instances: each
// returns every instance's series at once, so a batch costs len(queries)
// queries whatever its size.
func queries(sel string, instances []string) []string {
	inst := anyOf("instance", instances)
	names := func(list []string) string { return anyOf("__name__", list) }
	tagged := func(expr, part string) string {
		return fmt.Sprintf("label_replace(%s, %q, %q, \"\", \"\")", expr, tag, part)
	}
	hosts := make([]string, 0, len(instances))
	for _, i := range instances {
		hosts = append(hosts, HostPart(i))
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	quoted := make([]string, len(hosts))
	for i, h := range hosts {
		quoted[i] = regexp.QuoteMeta(h)
	}
	// A GPU exporter is another job on the same host, so its series are
	// found by the host part of the instance, not by the selector.
	gpuInst := "instance=~" + strconv.Quote("(?:"+strings.Join(quoted, "|")+`)(?::[0-9]+)?`)
	return []string{
		join(names(nodeSeries), sel, inst),
		// The CPU counters summed per mode (not per CPU, which would be a
		// series per core and mode), the cores counted, and when each
		// instance was last scraped (for its clock and uptime).
		tagged("sum by (instance, job, mode) (node_cpu_seconds_total"+join(sel, inst)+")", "cpu") +
			" or " + tagged("count by (instance, job) (node_cpu_seconds_total"+join(`mode="idle"`, sel, inst)+")", "cores") +
			" or " + tagged("timestamp(node_time_seconds"+join(sel, inst)+")", "scraped"),
		// Failed units, and whether the collectors that could report them
		// (and the reboot flag) ran.
		"node_systemd_unit_state" + join(`state="failed"`, sel, inst) + " == 1 or node_scrape_collector_success" +
			join(`collector=~"systemd|textfile"`, sel, inst),
		join(names(gpuSeries), gpuInst),
	}
}
