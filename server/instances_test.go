package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent/migrate/migrations"
)

// TestSeveralInstances runs two pactreg processes (the release build of
// the binary) on one PostgreSQL schema and checks what must hold across
// them: they migrate once although they start at once; the seat capacity
// rule holds under concurrent writes through both; a subscriber on either
// instance sees changes made through the other; each webhook event is
// delivered once per endpoint by the two dispatchers; and SIGTERM during a
// write storm loses no acknowledged write (and no write lacks its change
// event) while the other instance keeps serving.
func TestSeveralInstances(t *testing.T) {
	c := startCluster(t, 2, nil)
	a, b := c.Instances[0], c.Instances[1]

	t.Run("migrated once", func(t *testing.T) {
		dir, err := migrations.Dir()
		if err != nil {
			t.Fatal(err)
		}
		files, _ := dir.Files()
		applied := a.log.count(`"migration applied"`) + b.log.count(`"migration applied"`)
		if applied != len(files) {
			t.Fatalf("%d migration files applied %d times between the two instances", len(files), applied)
		}
	})

	t.Run("seat capacity holds across instances", func(t *testing.T) {
		testCapacityAcrossInstances(t, c)
	})

	t.Run("subscribers see changes made on the other instance", func(t *testing.T) {
		for _, pair := range [][2]*instance{{a, b}, {b, a}} {
			writer, reader := pair[0], pair[1]
			events := reader.subscribe(t, `subscription { registryChanged(types: ["Person"]) { entityType operation node { ... on Person { name } } } }`)
			prefix := fmt.Sprintf("written on %s for %s", writer.Name, reader.Name)
			got := awaitEvent(t, c, writer, events, prefix)
			if got.EntityType != "Person" || got.Operation != "CREATE" || !strings.HasPrefix(got.Node.Name, prefix) {
				t.Fatalf("%s saw %+v", reader.Name, got)
			}
		}
	})

	t.Run("each webhook event is delivered once per endpoint", func(t *testing.T) {
		testWebhooksAcrossInstances(t, c)
	})

	t.Run("SIGTERM during a write storm loses no acknowledged write", func(t *testing.T) {
		testStormAndSIGTERM(t, c)
	})
}

// testCapacityAcrossInstances: 12 concurrent appointments into one
// 3-seat allocation, alternating between the instances: exactly 3 are
// made, the other 9 refused with SEAT_FULL, and both instances show the
// same 3 holders.
func testCapacityAcrossInstances(t *testing.T, c *cluster) {
	const seats, tries = 3, 12
	a := c.Instances[0]
	id := func(query string, vars map[string]any) string {
		t.Helper()
		var out map[string]struct{ ID string }
		a.mustDo(t, c.AdminToken, query, vars, &out)
		for _, v := range out {
			return v.ID
		}
		t.Fatalf("no id from %s", query)
		return ""
	}
	org := id(`mutation { createOrganisation(input: {name: "Aarhus Kommune", kind: MUNICIPALITY}) { id } }`, nil)
	body := id(`mutation { createBody(input: {name: "Rådet på to instanser", kind: COUNCIL, establishedOn: "2018-01-01"}) { id } }`, nil)
	alloc := id(`mutation($body: ID!, $seats: Int!) { createSeatAllocation(input: {bodyID: $body, label: "Kommunerne", seats: $seats, role: MEMBER, eligibleKinds: [MUNICIPALITY]}) { id } }`,
		map[string]any{"body": body, "seats": seats})
	people := make([]string, tries)
	for i := range people {
		people[i] = id(`mutation($n: String!) { createPerson(input: {name: $n}) { id } }`, map[string]any{"n": fmt.Sprintf("Kandidat %02d", i)})
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		fire     = make(chan struct{})
		ok, full int
		others   []string
	)
	client := &http.Client{Timeout: 20 * time.Second}
	for i := range tries {
		p := c.Instances[i%len(c.Instances)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-fire
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			r, err := p.post(ctx, client, c.AdminToken, `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"personID": people[i], "seatAllocationID": alloc, "onBehalfOfID": org, "startsOn": "2018-06-01"}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				others = append(others, fmt.Sprintf("%s: %v", p.Name, err))
			case r.Status == http.StatusOK && len(r.Errors) == 0:
				ok++
			case r.code() == "SEAT_FULL":
				full++
			default:
				others = append(others, fmt.Sprintf("%s: %d %+v", p.Name, r.Status, r.Errors))
			}
		}()
	}
	close(fire)
	wg.Wait()
	t.Logf("%d concurrent appointments into %d seats through 2 instances: %d made, %d SEAT_FULL, %d other", tries, seats, ok, full, len(others))
	if ok != seats || full != tries-seats || len(others) > 0 {
		t.Fatalf("%d made, %d SEAT_FULL, other: %v; want %d and %d", ok, full, others, seats, tries-seats)
	}

	for _, p := range c.Instances {
		var got struct {
			Node struct {
				VacancyCount int
				Composition  []struct {
					Seats, Vacant int
					Holders       []struct{ Person struct{ Name string } }
				}
			}
			Appointments struct{ TotalCount int }
		}
		p.mustDo(t, c.AdminToken, `query($id: ID!) { node(id: $id) { ... on Body { vacancyCount(asOf: "2018-06-01")
			composition(asOf: "2018-06-01") { seats vacant holders { person { name } } } } }
			appointments { totalCount } }`, map[string]any{"id": body}, &got)
		comp := got.Node.Composition
		if len(comp) != 1 || len(comp[0].Holders) != seats || comp[0].Vacant != 0 || got.Node.VacancyCount != 0 || got.Appointments.TotalCount != seats {
			t.Fatalf("instance %s: vacancyCount %d, composition %+v, %d appointments stored", p.Name, got.Node.VacancyCount, comp, got.Appointments.TotalCount)
		}
	}
}

// personEvent is a registryChanged event about a person.
type personEvent struct {
	EntityType, Operation string
	Node                  struct{ Name string }
}

// awaitEvent writes people named prefix… through writer until events
// brings one (a subscription starts asynchronously: a write before it
// started is not news to it). Bounded: 50 writes.
func awaitEvent(t *testing.T, c *cluster, writer *instance, events <-chan json.RawMessage, prefix string) personEvent {
	t.Helper()
	for i := range 50 {
		writer.mustDo(t, c.AdminToken, `mutation($n: String!) { createPerson(input: {name: $n}) { id } }`, map[string]any{"n": fmt.Sprintf("%s %d", prefix, i)}, nil)
		select {
		case raw, open := <-events:
			if !open {
				t.Fatal("the subscription ended")
			}
			var got struct {
				Data   struct{ RegistryChanged personEvent }
				Errors []any
			}
			if err := json.Unmarshal(raw, &got); err != nil || len(got.Errors) > 0 {
				t.Fatalf("event %s (%v)", raw, err)
			}
			return got.Data.RegistryChanged
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatalf("no event after 50 writes through instance %s", writer.Name)
	return personEvent{}
}

// testStormAndSIGTERM: 8 writers create people with unique names through
// instance A; A gets SIGTERM mid-storm. A must drain and exit 0; every
// write A acknowledged (HTTP 200 with the new id) must be stored, with
// exactly one CREATE change event; B keeps serving.
func testStormAndSIGTERM(t *testing.T, c *cluster) {
	const writers = 8
	a, b := c.Instances[0], c.Instances[1]
	var (
		mu           sync.Mutex
		acked        = map[string]bool{} // names whose creation A acknowledged
		attempted    = map[string]bool{}
		ackedAfter   int // acknowledged after SIGTERM was sent
		refused      []string
		cut          int // no answer: connection refused, reset, …
		signalled    = make(chan struct{})
		wg           sync.WaitGroup
		writeTimeout = 20 * time.Second
	)
	// A subscriber stays connected to A throughout: an open WebSocket must
	// not keep A from stopping.
	events := a.subscribe(t, `subscription { registryChanged(types: ["Person"]) { entityID } }`)
	client := &http.Client{Timeout: writeTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: writers}}
	defer client.CloseIdleConnections()
	stormEnd := time.Now().Add(30 * time.Second) // a bound, never reached when A stops
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stormEnd); i++ {
				name := fmt.Sprintf("storm %d-%d", w, i)
				mu.Lock()
				attempted[name] = true
				mu.Unlock()
				ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
				r, err := a.post(ctx, client, c.AdminToken, `mutation($n: String!) { createPerson(input: {name: $n}) { id } }`, map[string]any{"n": name})
				cancel()
				var data struct{ CreatePerson struct{ ID string } }
				if err == nil && r.Status == http.StatusOK && len(r.Errors) == 0 {
					err = json.Unmarshal(r.Data, &data)
				}
				mu.Lock()
				select {
				case <-signalled:
					if err == nil && data.CreatePerson.ID != "" {
						ackedAfter++
					}
				default:
				}
				switch {
				case err != nil:
					cut++
				case data.CreatePerson.ID != "":
					acked[name] = true
				default:
					refused = append(refused, fmt.Sprintf("%d %+v", r.Status, r.Errors))
				}
				mu.Unlock()
				if err != nil {
					select {
					case <-signalled:
						return // A has stopped listening
					default:
						t.Errorf("writer %d before SIGTERM: %v", w, err)
						return
					}
				}
			}
		}()
	}

	// SIGTERM once the storm is well under way.
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
	}
	mu.Lock()
	ackedBefore := len(acked)
	close(signalled)
	a.signal(t, syscall.SIGTERM)
	mu.Unlock()
	code := a.wait(t, 30*time.Second)
	wg.Wait()
	for range events { // the subscription ends with A
	}
	if code != 0 {
		t.Errorf("instance A exited with %d after SIGTERM, want 0 (graceful shutdown)", code)
	}
	if a.log.count(`"msg":"stopped"`) != 1 {
		t.Errorf("instance A did not log that it stopped after draining")
	}

	// Every acknowledged write is stored, each stored person has one
	// CREATE event in the change feed; read from the database itself.
	db, err := sql.Open("postgres", c.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, `SELECT p.name, (SELECT count(*) FROM change_events e
		WHERE e.entity_type = 'Person' AND e.entity_id = p.id AND e.operation = 'CREATE')
		FROM persons p WHERE p.name LIKE 'storm %'`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var (
			name   string
			events int
		)
		if err := rows.Scan(&name, &events); err != nil {
			t.Fatal(err)
		}
		stored[name] = true
		if events != 1 {
			t.Errorf("%s is stored with %d CREATE change events, want 1", name, events)
		}
		if !attempted[name] {
			t.Errorf("%s is stored but was never sent", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	found := 0
	for name := range acked {
		if stored[name] {
			found++
		} else {
			t.Errorf("acknowledged write lost: %s", name)
		}
	}
	t.Logf("write storm: %d writers, SIGTERM after %d acknowledged writes; %d sent, %d acknowledged (%d after SIGTERM), %d refused, %d without answer; %d stored, %d of the acknowledged found",
		writers, ackedBefore, len(attempted), len(acked), ackedAfter, len(refused), cut, len(stored), found)
	if found != len(acked) || ackedBefore == 0 {
		t.Fatalf("%d of %d acknowledged writes found", found, len(acked))
	}
	if len(refused) > 0 {
		t.Errorf("writes refused with an answer: %v", refused)
	}

	// B keeps serving: it reads what A wrote and takes a write.
	var got struct{ People struct{ TotalCount int } }
	b.mustDo(t, c.AdminToken, `{ people(where: {nameHasPrefix: "storm "}) { totalCount } }`, nil, &got)
	if got.People.TotalCount != len(stored) {
		t.Errorf("instance B counts %d storm people, the database holds %d", got.People.TotalCount, len(stored))
	}
	b.mustDo(t, c.AdminToken, `mutation { createPerson(input: {name: "after the storm"}) { id } }`, nil, nil)
	for _, p := range c.Instances {
		if n := p.log.count(`"level":"ERROR"`); n > 0 {
			t.Errorf("instance %s logged %d errors", p.Name, n)
		}
	}
}
