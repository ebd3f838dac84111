package main

import (
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// Why these defaults (bench/README.md, fifth slice, item 4): at the
// default GOGC of 100 the collector ran about every 10 MB of garbage at
// the small benchmark scale, a fifth of the server's CPU; at 400 it runs a
// quarter as often. The soft limit keeps the heap near 52 MiB, which with
// the ~45 MiB of mapped binary keeps the process near 100 MiB resident
// under the large benchmark's load (with -max-concurrent bounding the
// queries in flight): the collector runs more often only when the limit
// is near. Raise -memory-limit for heavier loads, with -max-concurrent.

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
	gcPercent = debug.SetGCPercent(-1)
	debug.SetGCPercent(gcPercent)
	memoryLimit = debug.SetMemoryLimit(-1)
	return gcPercent, memoryLimit, func() {
		if prevGC >= 0 {
			debug.SetGCPercent(prevGC)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}

// parseBytes reads a size as GOMEMLIMIT writes one: a whole number of
// bytes with an optional B, KiB, MiB or GiB; 0 or off means none.
func parseBytes(s string) (int64, error) {
	if s == "off" {
		return 0, nil
	}
	n, unit := s, int64(1)
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
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
