package limits

import (
	"math"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// buckets are token buckets of cost points, one per rate key, the least
// recently used dropped beyond a fixed number of keys (a dropped key comes
// back with a full bucket).
type buckets struct {
	rate, burst float64

	mu   sync.Mutex
	keys *simplelru.LRU[string, *bucket]
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was right
}

func newBuckets(rate, burst float64, size int) *buckets {
	keys, err := simplelru.NewLRU[string, *bucket](size, nil)
	if err != nil {
		panic(err) // only for a non-positive size
	}
	return &buckets{rate: rate, burst: burst, keys: keys}
}

// take charges n points to key at now. If the bucket cannot pay, nothing
// is charged and wait is how many whole seconds (at least 1) until it can.
func (b *buckets) take(key string, n int, now time.Time) (ok bool, wait int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bk, found := b.keys.Get(key)
	if !found {
		bk = &bucket{tokens: b.burst, at: now}
		b.keys.Add(key, bk)
	}
	if elapsed := now.Sub(bk.at); elapsed > 0 {
		bk.tokens = min(b.burst, bk.tokens+elapsed.Seconds()*b.rate)
		bk.at = now
	}
	need := float64(n)
	if bk.tokens >= need {
		bk.tokens -= need
		return true, 0
	}
	secs := math.Ceil((need - bk.tokens) / b.rate)
	return false, int(max(1, min(secs, math.MaxInt32)))
}
