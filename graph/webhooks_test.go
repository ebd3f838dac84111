package graph_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/webhook"
	"github.com/pactreg/pactreg/ent/webhookdelivery"
	"github.com/pactreg/pactreg/graph"
)

// receipt is one request a test receiver got.
type receipt struct {
	header http.Header
	body   []byte
	msg    struct {
		ID    string
		Event struct {
			ID, EntityType, EntityID, Operation string
			Fields                              []string
			Time                                time.Time
		}
		Node map[string]any
	}
}

// receiver is an httptest server on loopback that records what it is
// sent; it answers status(n) to its nth request (from 1).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	receipts []receipt
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	t.Helper()
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var rc receipt
		rc.header, rc.body = req.Header.Clone(), b
		if err := json.Unmarshal(b, &rc.msg); err != nil {
			t.Errorf("a delivery is not JSON: %v: %s", err, b)
		}
		r.mu.Lock()
		r.receipts = append(r.receipts, rc)
		n := len(r.receipts)
		r.mu.Unlock()
		code := http.StatusOK
		if status != nil {
			code = status(n)
		}
		w.WriteHeader(code)
		if code >= 300 {
			_, _ = io.WriteString(w, "not now")
		}
	}))
	t.Cleanup(r.Close)
	return r
}

// gate makes a receiver answer a failure until it is opened.
type gate struct {
	mu   sync.Mutex
	isUp bool
}

func (g *gate) open() { g.mu.Lock(); g.isUp = true; g.mu.Unlock() }

// status answers down while the gate is closed, then 200.
func (g *gate) status(down int) func(int) int {
	return func(int) int {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.isUp {
			return http.StatusOK
		}
		return down
	}
}

func (r *receiver) got() []receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receipt(nil), r.receipts...)
}

// startDispatcher runs a dispatcher with a tiny backoff on db until the
// test ends (or the returned stop is called, which waits for it).
func startDispatcher(t *testing.T, db *store.DB) (stop func()) {
	t.Helper()
	d := webhook.New(webhook.Config{
		DB:          db,
		Render:      graph.WebhookRenderer(db.Client),
		Timeout:     5 * time.Second,
		BackoffBase: 10 * time.Millisecond,
		BackoffMax:  50 * time.Millisecond,
		Poll:        100 * time.Millisecond,
		MaxAttempts: 5,
		// The dispatcher's warnings show with the test's output when it
		// fails (or with -v): what it could not do is the first clue.
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// createEndpoint registers an endpoint through the API and returns its id
// and secret.
func (a *api) createEndpoint(name, url, role string, types ...string) (id, secret string) {
	a.t.Helper()
	var out struct {
		CreateWebhookEndpoint struct {
			Secret   string
			Endpoint struct{ ID string }
		}
	}
	if types == nil {
		types = []string{}
	}
	a.do(`mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) { secret endpoint { id } } }`, &out,
		"in", map[string]any{"name": name, "url": url, "role": role, "types": types})
	return out.CreateWebhookEndpoint.Endpoint.ID, out.CreateWebhookEndpoint.Secret
}

// waitFor polls cond until it holds, failing the test after 30s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitForOr(t, what, cond, nil)
}

// waitForOr is waitFor that calls explain (if set) before failing.
func waitForOr(t *testing.T, what string, cond func() bool, explain func()) {
	t.Helper()
	for range 1500 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	if explain != nil {
		explain()
	}
	t.Fatalf("timed out waiting for %s", what)
}

// logOutbox logs the deliveries that are not delivered, for a test that
// timed out waiting for them.
func logOutbox(t *testing.T, db *store.DB) {
	t.Helper()
	rows, err := db.Client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusDELIVERED)).
		All(authz.SystemContext(context.Background()))
	if err != nil {
		t.Logf("read the outbox: %v", err)
		return
	}
	for _, d := range rows {
		var last string
		if d.LastError != nil {
			last = *d.LastError
		}
		t.Logf("delivery %d (endpoint %d, event %d): %s, %d attempts, next %s, last error %q",
			d.ID, d.EndpointID, d.EventID, d.Status, d.Attempts, d.NextAttemptAt.Format(time.RFC3339Nano), last)
	}
}

type deliveryRow struct {
	IdempotencyKey string
	Status         string
	Attempts       int
	LastStatusCode *int
	LastError      *string
	DeliveredAt    *string
	Endpoint       struct{ ID string }
	Event          struct{ EntityType, Operation string }
}

func (a *api) deliveries(endpoint string) []deliveryRow {
	a.t.Helper()
	var out struct {
		WebhookDeliveries struct{ Edges []struct{ Node deliveryRow } }
	}
	a.do(`query($e: ID!) { webhookDeliveries(first: 100, where: {endpointID: $e}) { edges { node {
		idempotencyKey status attempts lastStatusCode lastError deliveredAt endpoint { id } event { entityType operation } } } } }`,
		&out, "e", endpoint)
	rows := make([]deliveryRow, len(out.WebhookDeliveries.Edges))
	for i, e := range out.WebhookDeliveries.Edges {
		rows[i] = e.Node
	}
	return rows
}

// TestWebhookDelivery: signed requests with the idempotency key, the types
// filter, and the entity read with the endpoint's role.
func TestWebhookDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		recv := newReceiver(t, nil)
		readerEP, secret := admin.createEndpoint("intranet", recv.URL+"/reader", "READER", "Person")
		anonEP, _ := admin.createEndpoint("public site", recv.URL+"/anonymous", "ANONYMOUS", "Person")
		allEP, _ := admin.createEndpoint("everything", recv.URL+"/all", "ANONYMOUS")
		startDispatcher(t, db)

		admin.do(`mutation { createOrganisation(input: {name: "Aarhus Kommune", kind: MUNICIPALITY, municipalityCode: "751"}) { id } }`, nil)
		var p struct{ CreatePerson struct{ ID string } }
		admin.do(`mutation { createPerson(input: {name: "Jens Å", email: "jens@example.dk"}) { id } }`, &p)
		waitFor(t, "four deliveries", func() bool { return len(recv.got()) >= 4 })

		var reader, anon, all []receipt
		for _, r := range recv.got() {
			switch {
			case strings.HasPrefix(r.msg.ID, readerEP+"-"):
				reader = append(reader, r)
			case strings.HasPrefix(r.msg.ID, anonEP+"-"):
				anon = append(anon, r)
			case strings.HasPrefix(r.msg.ID, allEP+"-"):
				all = append(all, r)
			}
		}
		if len(reader) != 1 || len(anon) != 1 || len(all) != 2 {
			t.Fatalf("deliveries: reader %d, anonymous %d, all %d; want 1, 1, 2", len(reader), len(anon), len(all))
		}
		t.Run("signed, with the idempotency key", func(t *testing.T) {
			r := reader[0]
			h := r.header
			if h.Get("Content-Type") != "application/json" || h.Get("User-Agent") != "pactreg-webhooks" {
				t.Fatalf("headers: %v", h)
			}
			key := h.Get("X-Pactreg-Delivery")
			if key == "" || h.Get("Idempotency-Key") != key || r.msg.ID != key {
				t.Fatalf("idempotency key: header %q, Idempotency-Key %q, body %q", key, h.Get("Idempotency-Key"), r.msg.ID)
			}
			ts, err := strconv.ParseInt(h.Get("X-Pactreg-Timestamp"), 10, 64)
			if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
				t.Fatalf("timestamp %q", h.Get("X-Pactreg-Timestamp"))
			}
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(h.Get("X-Pactreg-Timestamp") + "."))
			mac.Write(r.body)
			if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); h.Get("X-Pactreg-Signature") != want {
				t.Fatalf("signature %q, want %q", h.Get("X-Pactreg-Signature"), want)
			}
			if err := webhook.Verify(secret, h, r.body, 5*time.Minute, time.Now()); err != nil {
				t.Fatal(err)
			}
			if webhook.Verify("whsec_other", h, r.body, 5*time.Minute, time.Now()) == nil ||
				webhook.Verify(secret, h, append(r.body, ' '), 5*time.Minute, time.Now()) == nil ||
				webhook.Verify(secret, h, r.body, 5*time.Minute, time.Now().Add(10*time.Minute)) == nil {
				t.Fatal("Verify accepts a wrong secret, a changed body or an old timestamp")
			}
		})
		t.Run("the event and the node", func(t *testing.T) {
			ev := reader[0].msg.Event
			if ev.EntityType != "Person" || ev.Operation != "CREATE" || ev.EntityID != p.CreatePerson.ID || ev.ID == "" || ev.Time.IsZero() {
				t.Fatalf("event: %+v", ev)
			}
			node := reader[0].msg.Node
			if node["id"] != p.CreatePerson.ID || node["name"] != "Jens Å" {
				t.Fatalf("node: %v", node)
			}
		})
		t.Run("READER sees contact data, ANONYMOUS never", func(t *testing.T) {
			if reader[0].msg.Node["email"] != "jens@example.dk" {
				t.Fatalf("READER endpoint: email %v", reader[0].msg.Node["email"])
			}
			if v, ok := anon[0].msg.Node["email"]; !ok || v != nil || strings.Contains(string(anon[0].body), "jens@example.dk") {
				t.Fatalf("ANONYMOUS endpoint got the e-mail: %s", anon[0].body)
			}
		})
		t.Run("the delivery log", func(t *testing.T) {
			// The receiver has the request before the dispatcher records
			// its answer (CI read the log in between once).
			waitFor(t, "the outcome recorded", func() bool {
				rows := admin.on(t).deliveries(readerEP)
				return len(rows) == 1 && rows[0].Status != "PENDING"
			})
			rows := admin.on(t).deliveries(readerEP)
			if len(rows) != 1 || rows[0].Status != "DELIVERED" || rows[0].Attempts != 1 || rows[0].LastStatusCode == nil ||
				*rows[0].LastStatusCode != 200 || rows[0].DeliveredAt == nil || rows[0].Event.EntityType != "Person" {
				t.Fatalf("log: %+v", rows)
			}
		})
	})
}

// TestWebhookValueObjects: a meeting's payload carries its date (a
// FuzzyDate, rendered with its plain fields); it carried none before, so
// an integration could not see when a meeting was moved to.
func TestWebhookValueObjects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		w := seedWorld(t, db.Client)
		recv := newReceiver(t, nil)
		admin.createEndpoint("calendar", recv.URL, "ANONYMOUS", "Meeting")
		startDispatcher(t, db)
		admin.do(`mutation($in: CreateMeetingInput!) { createMeeting(input: $in, when: "2018-06-early", whenText: "primo juni") { id } }`,
			nil, "in", map[string]any{"bodyID": w.body, "title": "Rådsmøde"})
		waitFor(t, "the meeting's delivery", func() bool { return len(recv.got()) >= 1 })
		when, _ := recv.got()[0].msg.Node["when"].(map[string]any)
		if when["value"] != "2018-06-early" || when["text"] != "primo juni" || when["earliest"] != "2018-06-01" || when["latest"] != "2018-06-10" {
			t.Fatalf("the payload's when: %v (node %v)", when, recv.got()[0].msg.Node)
		}
	})
}

// TestWebhookRetries: a receiver that fails twice, then accepts.
func TestWebhookRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		recv := newReceiver(t, func(n int) int {
			if n <= 2 {
				return http.StatusInternalServerError
			}
			return http.StatusNoContent
		})
		ep, _ := admin.createEndpoint("flaky", recv.URL, "ANONYMOUS", "Person")
		startDispatcher(t, db)
		admin.do(`mutation { createPerson(input: {name: "Retried"}) { id } }`, nil)
		waitFor(t, "the delivery", func() bool {
			rows := admin.deliveries(ep)
			return len(rows) == 1 && rows[0].Status == "DELIVERED"
		})
		rows := admin.deliveries(ep)
		d := rows[0]
		if d.Attempts != 3 || *d.LastStatusCode != 204 || d.LastError == nil || !strings.Contains(*d.LastError, "500") {
			t.Fatalf("log: attempts %d, status %v, last error %v", d.Attempts, *d.LastStatusCode, d.LastError)
		}
		got := recv.got()
		if len(got) != 3 {
			t.Fatalf("%d requests, want 3", len(got))
		}
		for _, r := range got {
			if r.header.Get("Idempotency-Key") != d.IdempotencyKey {
				t.Fatalf("the key changed between attempts: %q, want %q", r.header.Get("Idempotency-Key"), d.IdempotencyKey)
			}
		}
	})
}

// TestWebhookGivesUpAndRedelivers: after MaxAttempts failures a delivery is
// FAILED; redeliverWebhook sends it again.
func TestWebhookGivesUpAndRedelivers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		var g gate
		recv := newReceiver(t, g.status(http.StatusServiceUnavailable))
		ep, _ := admin.createEndpoint("down", recv.URL, "ANONYMOUS")
		startDispatcher(t, db)
		admin.do(`mutation { createPerson(input: {name: "Given up"}) { id } }`, nil)
		waitFor(t, "FAILED", func() bool { r := admin.deliveries(ep); return len(r) == 1 && r[0].Status == "FAILED" })
		if r := admin.deliveries(ep)[0]; r.Attempts != 5 || !strings.Contains(*r.LastError, "503") {
			t.Fatalf("given up: %+v", r)
		}
		g.open()
		var id struct {
			WebhookDeliveries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		admin.do(`{ webhookDeliveries(where: {status: FAILED}) { edges { node { id } } } }`, &id)
		admin.do(`mutation($id: ID!) { redeliverWebhook(id: $id) { status attempts } }`, nil, "id", id.WebhookDeliveries.Edges[0].Node.ID)
		waitFor(t, "redelivered", func() bool { r := admin.deliveries(ep); return r[0].Status == "DELIVERED" })
	})
}

// reopenable is a database URL a test can open more than once.
func reopenable(t *testing.T, backend string) string {
	if backend == dialect.Postgres {
		return storetest.PostgresSchemaURL(t)
	}
	return filepath.Join(t.TempDir(), "pactreg.db")
}

// openURL opens and migrates the database at url, closed when the test
// ends; a test calls it twice for two server instances on one database.
func openURL(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(store.Config{URL: url, MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestWebhookOutboxSurvivesRestart: what was enqueued while the receiver
// was down is delivered by a new process after a restart.
func TestWebhookOutboxSurvivesRestart(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			url := reopenable(t, backend)
			db := openURL(t, url)
			admin := newAPI(t, db)
			var g gate
			recv := newReceiver(t, g.status(http.StatusBadGateway))
			ep, _ := admin.createEndpoint("restart", recv.URL, "READER", "Person")
			stop := startDispatcher(t, db)
			admin.do(`mutation { createPerson(input: {name: "Before"}) { id } }`, nil)
			waitFor(t, "a failed attempt", func() bool { r := admin.deliveries(ep); return len(r) == 1 && r[0].Attempts >= 1 })
			stop()
			// Written while no dispatcher runs: only the feed has it.
			admin.do(`mutation { createPerson(input: {name: "While down"}) { id } }`, nil)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}

			g.open()
			db2 := openURL(t, url)
			admin2 := newAPI(t, db2)
			startDispatcher(t, db2)
			waitFor(t, "both delivered", func() bool {
				r := admin2.deliveries(ep)
				return len(r) == 2 && r[0].Status == "DELIVERED" && r[1].Status == "DELIVERED"
			})
			names := map[string]bool{}
			for _, r := range recv.got() {
				if r.header.Get("X-Pactreg-Delivery") != "" && r.msg.Node != nil {
					names[fmt.Sprint(r.msg.Node["name"])] = true
				}
			}
			if !names["Before"] || !names["While down"] {
				t.Fatalf("received %v", names)
			}
		})
	}
}

// TestWebhookTwoInstances: two dispatchers on one PostgreSQL schema deliver
// each event once per endpoint under a burst of writes.
func TestWebhookTwoInstances(t *testing.T) {
	url := reopenable(t, dialect.Postgres)
	db1, db2 := openURL(t, url), openURL(t, url)
	admin := newAPI(t, db1)
	recv := newReceiver(t, nil)
	a, _ := admin.createEndpoint("a", recv.URL+"/a", "ANONYMOUS", "Person")
	b, _ := admin.createEndpoint("b", recv.URL+"/b", "READER")
	stop1, stop2 := startDispatcher(t, db1), startDispatcher(t, db2)

	const writers, each = 4, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := []*store.DB{db1, db2}[w%2].Client
			ctx := authz.SystemContext(context.Background())
			for i := range each {
				if err := c.Person.Create().SetName(fmt.Sprintf("P%d-%d", w, i)).Exec(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	sys := authz.SystemContext(context.Background())
	var delivered int
	waitForOr(t, "every delivery", func() bool {
		n, err := db1.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusDELIVERED)).Count(sys)
		delivered = n
		return err == nil && n == 2*writers*each
	}, func() {
		t.Logf("%d of %d delivered, %d requests received", delivered, 2*writers*each, len(recv.got()))
		logOutbox(t, db1)
	})
	stop1()
	stop2()
	perKey := map[string]int{}
	for _, r := range recv.got() {
		perKey[r.header.Get("Idempotency-Key")]++
	}
	if len(perKey) != 2*writers*each {
		t.Fatalf("%d distinct deliveries, want %d", len(perKey), 2*writers*each)
	}
	for k, n := range perKey {
		if n != 1 {
			t.Fatalf("%s received %d times", k, n)
		}
		if !strings.HasPrefix(k, a+"-") && !strings.HasPrefix(k, b+"-") {
			t.Fatalf("key %s of no endpoint", k)
		}
	}
}

// TestWebhookAdministration: only ADMIN sees and manages webhooks; the
// secret is shown at creation and rotation only (never in the audit trail
// or the feed); endpoint events are ADMIN's; bad input is typed.
func TestWebhookAdministration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		ep, secret := admin.createEndpoint("crm", "https://crm.example.org/hooks/pactreg", "READER", "Person", "Appointment")
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Fatalf("secret %q", secret)
		}
		var rot struct {
			RotateWebhookSecret struct {
				Secret   string
				Endpoint struct{ Version int }
			}
		}
		admin.do(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { version } } }`, &rot, "id", ep)
		rotated := rot.RotateWebhookSecret.Secret
		if rotated == secret || !strings.HasPrefix(rotated, "whsec_") {
			t.Fatalf("rotated secret %q", rotated)
		}
		admin.do(`mutation($id: ID!, $v: Int!) { updateWebhookEndpoint(id: $id, expectedVersion: $v, input: {active: false}) { active } }`,
			nil, "id", ep, "v", rot.RotateWebhookSecret.Endpoint.Version)
		admin.fails(`mutation($id: ID!) { updateWebhookEndpoint(id: $id, expectedVersion: 1, input: {active: true}) { active } }`,
			"CONFLICT", "expectedVersion", "id", ep)

		t.Run("the secret is never shown again", func(t *testing.T) {
			var data any
			admin.on(t).do(`{ webhookEndpoints { edges { node { id name url types role active version eventCursor createdAt updatedAt } } }
				auditEvents(first: 100) { edges { node { entityType operation changes { field before after } } } }
				changes(first: 100) { edges { node { entityType fields } } } }`, &data)
			b, _ := json.Marshal(data)
			for _, s := range []string{secret, rotated} {
				if strings.Contains(string(b), s) {
					t.Fatalf("a secret is readable: %s", b)
				}
			}
			if !strings.Contains(string(b), `"field":"secret"`) || !strings.Contains(string(b), "WebhookEndpoint") {
				t.Fatalf("the audit trail does not record the endpoint's changes: %s", b)
			}
		})

		t.Run("non-admins are refused", func(t *testing.T) {
			for _, role := range []authz.Role{authz.Anonymous, authz.Reader, authz.Editor} {
				c := admin.as(role).on(t)
				for _, q := range []string{
					`{ webhookEndpoints { totalCount } }`,
					`{ webhookDeliveries { totalCount } }`,
					`mutation { createWebhookEndpoint(input: {name: "x", url: "https://example.org/x"}) { secret } }`,
					fmt.Sprintf(`mutation { rotateWebhookSecret(id: %s) { secret } }`, ep),
					fmt.Sprintf(`mutation { deleteWebhookEndpoint(id: %s) }`, ep),
				} {
					unchanged(t, db, func() { assertPlain(t, c.fails(q, "FORBIDDEN", "")) })
				}
				c.fails(fmt.Sprintf(`{ node(id: %s) { id } }`, ep), "FORBIDDEN", "")
				events, _ := c.readFeed(nil, 100)
				for _, e := range events {
					if e.EntityType == "WebhookEndpoint" {
						t.Fatalf("%s sees endpoint events in the feed", role)
					}
				}
			}
		})

		t.Run("bad input", func(t *testing.T) {
			a := admin.on(t)
			for _, u := range []string{"ftp://example.org/x", "example.org/hook", "https://user:pw@example.org/x", "https://"} {
				unchanged(t, db, func() {
					assertPlain(t, a.fails(`mutation($u: String!) { createWebhookEndpoint(input: {name: "bad", url: $u}) { secret } }`,
						"BAD_USER_INPUT", "url", "u", u))
				})
			}
			for _, ty := range []string{"Persons", "ApiToken", "WebhookEndpoint", "WebhookDelivery"} {
				a.fails(`mutation($t: String!) { createWebhookEndpoint(input: {name: "bad", url: "https://example.org/", types: [$t]}) { secret } }`,
					"BAD_USER_INPUT", "types", "t", ty)
			}
			a.fails(`mutation { createWebhookEndpoint(input: {name: "crm", url: "https://example.org/"}) { secret } }`, "CONFLICT", "name")
		})

		t.Run("delete", func(t *testing.T) {
			var out struct{ DeleteWebhookEndpoint string }
			admin.on(t).do(fmt.Sprintf(`mutation { deleteWebhookEndpoint(id: %s) }`, ep), &out)
			var n struct{ WebhookEndpoints struct{ TotalCount int } }
			admin.on(t).do(`{ webhookEndpoints { totalCount } }`, &n)
			if out.DeleteWebhookEndpoint != ep || n.WebhookEndpoints.TotalCount != 0 {
				t.Fatalf("deleted %q, %d left", out.DeleteWebhookEndpoint, n.WebhookEndpoints.TotalCount)
			}
		})
	})
}
