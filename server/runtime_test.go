package main

import (
	"io"
	"math"
	"runtime/debug"
	"testing"

	"github.com/pactreg/pactreg/graph"
)

func TestRuntimeConfig(t *testing.T) {
	def, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
	if want := autoMemoryLimit(graph.DefaultMaxConcurrent()); err != nil || def.Runtime != (RuntimeConfig{GCPercent: 400, MemoryLimit: want}) {
		t.Fatalf("defaults: %+v %v, want 400 and %d", def.Runtime, err, want)
	}
	if autoMemoryLimit(4) != 52<<20 {
		t.Errorf("auto limit for 4 at once (2 CPUs) = %d, want 52 MiB", autoMemoryLimit(4))
	}
	if c, err := parseConfig([]string{"-max-concurrent", "10"}, func(string) string { return "" }, io.Discard); err != nil || c.Runtime.MemoryLimit != 76<<20 {
		t.Errorf("auto limit for -max-concurrent 10: %d %v, want 76 MiB", c.Runtime.MemoryLimit, err)
	}
	env := map[string]string{"PACTREG_MEMORY_LIMIT": "1GiB"}
	cfg, err := parseConfig([]string{"-gc-percent", "200"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || cfg.Runtime != (RuntimeConfig{GCPercent: 200, MemoryLimit: 1 << 30}) {
		t.Fatalf("set: %+v %v", cfg.Runtime, err)
	}
	for _, ok := range []struct {
		in   string
		want int64
	}{{"0", 0}, {"off", 0}, {"16MiB", 16 << 20}, {"20000KiB", 20000 << 10}, {"104857600", 100 << 20}, {"100000000B", 1e8}, {"1TiB", 1 << 40}} {
		if got, err := parseBytes(ok.in); err != nil || got != ok.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", ok.in, got, err, ok.want)
		}
	}
	for _, bad := range [][]string{{"-gc-percent", "5"}, {"-gc-percent", "x"}, {"-memory-limit", "56MB"},
		{"-memory-limit", "-1MiB"}, {"-memory-limit", "1MiB"}, {"-memory-limit", "9999999999GiB"}} {
		if _, err := parseConfig(bad, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestApplyRuntime: the settings reach the runtime unless GOGC/GOMEMLIMIT
// are set, and restore puts back what was there.
func TestApplyRuntime(t *testing.T) {
	gc0 := debug.SetGCPercent(-1)
	debug.SetGCPercent(gc0)
	lim0 := debug.SetMemoryLimit(-1)

	gc, lim, restore := applyRuntime(RuntimeConfig{GCPercent: 300, MemoryLimit: 64 << 20}, func(string) string { return "" })
	if gc != 300 || lim != 64<<20 {
		t.Errorf("applied %d %d", gc, lim)
	}
	restore()
	if g, l := debug.SetGCPercent(gc0), debug.SetMemoryLimit(-1); g != gc0 || l != lim0 {
		t.Errorf("restored %d %d, want %d %d", g, l, gc0, lim0)
	}

	env := map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}
	gc, lim, restore = applyRuntime(RuntimeConfig{GCPercent: 300, MemoryLimit: 0}, func(k string) string { return env[k] })
	defer restore()
	if gc != gc0 || lim != lim0 {
		t.Errorf("with GOGC and GOMEMLIMIT set: %d %d, want the runtime's %d %d", gc, lim, gc0, lim0)
	}

	_, lim, restore2 := applyRuntime(RuntimeConfig{GCPercent: 100, MemoryLimit: 0}, func(string) string { return "" })
	defer restore2()
	if lim != math.MaxInt64 {
		t.Errorf("memory limit 0 gave %d, want none", lim)
	}
}
