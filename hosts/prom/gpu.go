package prom

import (
	"slices"
	"strings"

	"github.com/macroa/macroa/hosts/probe"
)

// gpuSample is one GPU's values as an exporter reports them, by field.
type gpuSample struct {
	name   string
	values map[string]float64
}

// gpusByHost groups the GPU exporters' series by the host part of their
// instance (an exporter is a target of its own, on another port) and by
// card (its UUID, else its index).
func gpusByHost(samples []sample) map[string][]probe.GPU {
	type key struct{ host, card string }
	cards := map[key]*gpuSample{}
	for _, x := range samples {
		l := x.Labels
		card := l["UUID"] + l["uuid"]
		if card == "" {
			card = "gpu" + l["gpu"]
		}
		k := key{HostPart(l["instance"]), card}
		g := cards[k]
		if g == nil {
			g = &gpuSample{values: map[string]float64{}}
			cards[k] = g
		}
		if name := clean(l["modelName"] + l["name"]); name != "" {
			g.name = name
		}
		if n := l["__name__"]; n != "nvidia_smi_gpu_info" {
			g.values[n] = x.Value
		}
	}
	keys := make([]key, 0, len(cards))
	for k := range cards {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.host, b.host); c != 0 {
			return c
		}
		return strings.Compare(a.card, b.card)
	})
	out := map[string][]probe.GPU{}
	for _, k := range keys {
		out[k.host] = append(out[k.host], cards[k].gpu())
	}
	return out
}

const mib = 1 << 20

func (g *gpuSample) gpu() probe.GPU {
	v := func(name string, scale float64) probe.Field[float64] {
		x, ok := g.values[name]
		if !ok || !usable(x) {
			return missing[float64]("not reported by the GPU exporter")
		}
		return measured(x * scale)
	}
	first := func(a, b probe.Field[float64]) probe.Field[float64] {
		if a.OK {
			return a
		}
		return b
	}
	count := func(f probe.Field[float64]) probe.Field[uint64] {
		if !f.OK {
			return missing[uint64](f.Why)
		}
		return measured(asCount(f.Value))
	}
	out := probe.GPU{
		Name:  g.name,
		Temp:  first(v("DCGM_FI_DEV_GPU_TEMP", 1), v("nvidia_smi_temperature_gpu", 1)),
		Use:   first(v("DCGM_FI_DEV_GPU_UTIL", 1), v("nvidia_smi_utilization_gpu_ratio", 100)),
		Power: first(v("DCGM_FI_DEV_POWER_USAGE", 1), v("nvidia_smi_power_draw_watts", 1)),
	}
	used := first(v("DCGM_FI_DEV_FB_USED", mib), v("nvidia_smi_memory_used_bytes", 1))
	out.MemUsed = count(used)
	// DCGM reports used and free frame buffer, not the total.
	total := v("nvidia_smi_memory_total_bytes", 1)
	if free := v("DCGM_FI_DEV_FB_FREE", mib); free.OK && used.OK && !total.OK {
		total = measured(used.Value + free.Value)
	}
	out.MemTotal = count(total)
	return out
}

// gpuField is a host's GPUs, or why there are none to show: without an
// exporter's series, no GPU and an unwatched GPU look the same.
func gpuField(gpus []probe.GPU) probe.Field[[]probe.GPU] {
	if len(gpus) == 0 {
		return missing[[]probe.GPU]("no GPU exporter series for this host (DCGM exporter or nvidia_gpu_exporter)")
	}
	return measured(gpus)
}
