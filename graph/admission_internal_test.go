package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestAdmission: with 2 slots, a third request waits while two execute,
// runs once a slot frees, and a request whose deadline passes while it
// waits gets 503 TIMEOUT without running.
func TestAdmission(t *testing.T) {
	release := make(chan struct{})
	started := make(chan string, 10)
	var running, most atomic.Int32
	h := admitWith(make(slots, 2), writeExportError, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		started <- r.URL.Path
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	serve := func(path string, ctx context.Context) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", path, nil).WithContext(ctx))
		return rec
	}
	var wg sync.WaitGroup
	results := make(map[string]int)
	var mu sync.Mutex
	for _, p := range []string{"/1", "/2", "/3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := serve(p, context.Background())
			mu.Lock()
			results[p] = rec.Code
			mu.Unlock()
		}()
	}
	first := map[string]bool{<-started: true, <-started: true}
	select {
	case p := <-started:
		t.Fatalf("%s executed while two others held both slots (%v)", p, first)
	default:
	}

	// A request whose deadline passes while it waits is refused.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := serve("/late", ctx)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `{"error":{"code":"TIMEOUT"`) || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("late request: %d %s", rec.Code, rec.Body)
	}

	release <- struct{}{} // one of the first two finishes: the third runs
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting request did not run when a slot came free")
	}
	close(release)
	wg.Wait()
	for p, code := range results {
		if code != http.StatusNoContent {
			t.Errorf("%s: %d", p, code)
		}
	}
	if len(results) != 3 {
		t.Fatalf("results: %v", results)
	}
	if m := most.Load(); m != 2 {
		t.Fatalf("%d requests executed at once with 2 slots", m)
	}
}

// TestAdmissionOfOperations: with every slot taken, a query waits and is
// refused with TIMEOUT when its deadline passes; a mutation and a
// subscription are not held back.
func TestAdmissionOfOperations(t *testing.T) {
	full := make(slots, 1)
	full <- struct{}{}
	a := admission{slots: full}
	for _, c := range []struct {
		op      ast.Operation
		wantRun bool
	}{{ast.Query, false}, {ast.Mutation, true}, {ast.Subscription, true}} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: c.op}})
		ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		ran := false
		resp := a.InterceptResponse(ctx, func(context.Context) *graphql.Response {
			ran = true
			return &graphql.Response{}
		})
		cancel()
		if ran != c.wantRun {
			t.Fatalf("%s ran = %v with every slot taken", c.op, ran)
		}
		if !c.wantRun && (len(resp.Errors) != 1 || resp.Errors[0].Message != busyMessage) {
			t.Fatalf("%s refused with %+v", c.op, resp.Errors)
		}
	}
}
