package webhook

import (
	"testing"
	"time"
)

// TestBackoff: doubling from the base, capped, with up to half taken off
// at random; never overflowing however many attempts.
func TestBackoff(t *testing.T) {
	x := &Dispatcher{cfg: Config{BackoffBase: time.Second, BackoffMax: time.Hour}}
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second, 13: time.Hour, 1000: time.Hour} {
		for range 20 {
			if got := x.backoff(n); got <= want/2 || got > want {
				t.Fatalf("backoff(%d) = %s, want in (%s, %s]", n, got, want/2, want)
			}
		}
	}
}

// TestShort: recorded errors are cut at a rune boundary.
func TestShort(t *testing.T) {
	s := short(string(make([]byte, maxError-1)) + "æææ")
	if len(s) > maxError+len("…") || s[len(s)-len("…"):] != "…" {
		t.Fatalf("short: %d bytes", len(s))
	}
}
