package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// testWebhooksAcrossInstances: both instances run webhook dispatchers on
// one outbox; under writes through both, the endpoint receives each event
// exactly once (the outbox is claimed with SKIP LOCKED), and every
// delivery is DELIVERED at its first attempt.
func testWebhooksAcrossInstances(t *testing.T, c *cluster) {
	const writes = 20
	a, b := c.Instances[0], c.Instances[1]
	var (
		mu       sync.Mutex
		receipts = map[string]int{} // idempotency key → deliveries received
	)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p struct{ Event struct{ EntityType string } }
		if json.Unmarshal(body, &p) != nil || p.Event.EntityType != "Person" {
			http.Error(w, "not a person event", http.StatusBadRequest)
			return
		}
		mu.Lock()
		receipts[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)
	a.mustDo(t, c.AdminToken, `mutation($url: String!) { createWebhookEndpoint(input: {name: "cluster", url: $url, types: ["Person"], role: READER}) { secret } }`,
		map[string]any{"url": receiver.URL}, nil)

	var wg sync.WaitGroup
	for i := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			via := []*instance{a, b}[i%2]
			via.mustDo(t, c.AdminToken, `mutation($n: String!) { createPerson(input: {name: $n}) { id } }`,
				map[string]any{"n": fmt.Sprintf("Hooked %d via %s", i, via.Name)}, nil)
		}()
	}
	wg.Wait()

	type deliveries struct {
		WebhookDeliveries struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Status   string
					Attempts int
				}
			}
		}
	}
	var d deliveries
	deadline := time.Now().Add(60 * time.Second)
	for {
		b.mustDo(t, c.AdminToken, `{ webhookDeliveries(first: 100) { totalCount edges { node { status attempts } } } }`, nil, &d)
		done := d.WebhookDeliveries.TotalCount == writes
		for _, e := range d.WebhookDeliveries.Edges {
			done = done && e.Node.Status == "DELIVERED"
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all delivered within 60 s: %+v", d)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, e := range d.WebhookDeliveries.Edges {
		if e.Node.Attempts != 1 {
			t.Errorf("a delivery took %d attempts (claimed twice?)", e.Node.Attempts)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(receipts) != writes {
		t.Fatalf("the receiver got %d distinct events, %d were written", len(receipts), writes)
	}
	for key, n := range receipts {
		if n != 1 {
			t.Errorf("event %s delivered %d times", key, n)
		}
	}
}
