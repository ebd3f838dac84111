package main

import (
	"fmt"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// Why these defaults (bench/README.md, fifth slice, item 4): at the
// default GOGC of 100 the collector ran about every 10 MB of garbage at
// the small benchmark scale, a fifth of the server's CPU; at 400 it runs a
// quarter as often. The soft limit bounds the heap: near it the collector
// runs more often. It grows with the queries that may execute at once
// (-max-concurrent), since each holds its loaded rows: on 2 CPUs (4 at
// once) it is 52 MiB, which with the ~45 MiB of mapped binary keeps the
// process under 100 MiB resident under the large benchmark's load.

// autoMemoryLimit is the default soft limit for n queries at once.
func autoMemoryLimit(n int) int64 { return (36 + 4*int64(n)) << 20 }

// applyRuntime sets the collector's GOGC and memory limit from cfg, except
// where the GOGC or GOMEMLIMIT environment variable is set (getenv), and
// returns what is in force and a function restoring the previous values.
func applyRuntime(cfg RuntimeConfig, getenv func(string) string) (gcPercent int, memoryLimit int64, restore func()) {
	prevGC, prevLimit := -1, int64(-1)
	if getenv("GOGC") == "" {
		prevGC = debug.SetGCPercent(cfg.GCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		limit := cfg.MemoryLimit
		if limit == 0 {
			limit = math.MaxInt64
		}
		prevLimit = debug.SetMemoryLimit(limit)
	}
	gcPercent, memoryLimit = inForce()
	return gcPercent, memoryLimit, func() {
		if prevGC >= 0 {
			debug.SetGCPercent(prevGC)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}

// inForce reads the collector's settings without changing them.
func inForce() (gcPercent int, memoryLimit int64) {
	samples := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(samples)
	return int(samples[0].Value.Uint64()), int64(samples[1].Value.Uint64())
}

// parseBytes reads a size as GOMEMLIMIT writes one: a whole number of
// bytes with an optional B, KiB, MiB, GiB or TiB; 0 or off means none.
func parseBytes(s string) (int64, error) {
	if s == "off" {
		return 0, nil
	}
	n, unit := s, int64(1)
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			n, unit = strings.TrimSuffix(s, u.suffix), u.size
			break
		}
	}
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil || v < 0 || v > math.MaxInt64/unit {
		return 0, fmt.Errorf("%q is not a size such as 52MiB, 1GiB or 0 (none)", s)
	}
	if v*unit != 0 && v*unit < 16<<20 {
		return 0, fmt.Errorf("%q is below 16MiB: the collector would run without pause", s)
	}
	return v * unit, nil
}
