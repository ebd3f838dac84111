package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/pactreg/pactreg/ent/store/storetest"
)

// This file is a harness that runs the real pactreg binary as several
// processes on one PostgreSQL schema, for tests of what holds across
// instances (instances_test.go). A test starts a cluster, talks to each
// instance over HTTP and WebSocket, signals instances, and reads their
// logs:
//
//	c := startCluster(t, 2, map[string]string{"PACTREG_SOMETHING": "…"})
//	c.Instances[0].mustDo(t, c.AdminToken, `mutation { … }`, nil, &out)
//	events := c.Instances[1].subscribe(t, `subscription { … }`)
//	c.Instances[0].signal(t, syscall.SIGTERM); code := c.Instances[0].wait(t, 30*time.Second)

// clusterAdminToken is PACTREG_ADMIN_TOKEN of every cluster instance.
const clusterAdminToken = "cluster-admin-token-0123456789"

// binary is the pactreg binary built once for the package's tests, in the
// directory TestMain removes.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// buildBinary builds ./server as the Dockerfile does (CGO_ENABLED=0,
// -trimpath, stripped), once per test run, and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			binary.err = fmt.Errorf("the go command is not on PATH: %w", err)
			return
		}
		if binary.dir, binary.err = os.MkdirTemp("", "pactreg-bin-"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "pactreg")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goCmd, "build", "-buildvcs=false", "-trimpath", "-ldflags=-s -w", "-o", binary.path, ".")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// cluster is several pactreg processes serving one PostgreSQL schema.
type cluster struct {
	DatabaseURL string // the schema's URL (search_path set)
	AdminToken  string
	Instances   []*instance
}

// instance is one pactreg process of a cluster.
type instance struct {
	Name string // "A", "B", …
	Addr string // host:port it listens on

	cmd    *exec.Cmd
	log    *lineLog
	exited chan struct{} // closed when the process has exited
	err    error         // cmd.Wait's result, once exited is closed
}

// startCluster starts n instances of the built binary at once on a fresh
// PostgreSQL schema (so they auto-migrate concurrently), each on a free
// loopback port, with the admin token, no demo data and no rate limit,
// plus env; it returns once every instance answers /readyz. Each process
// is stopped (SIGTERM, then SIGKILL) when the test ends, and its log is
// shown if the test failed.
func startCluster(t *testing.T, n int, env map[string]string) *cluster {
	t.Helper()
	url := storetest.PostgresSchemaURL(t)
	bin := buildBinary(t)
	c := &cluster{DatabaseURL: url, AdminToken: clusterAdminToken}
	base := map[string]string{
		"PACTREG_ADDR":             "127.0.0.1:0",
		"PACTREG_DATABASE_URL":     url,
		"PACTREG_ADMIN_TOKEN":      clusterAdminToken,
		"PACTREG_DEMO":             "false",
		"PACTREG_AUTO_MIGRATE":     "true",
		"PACTREG_RATE":             "0",
		"PACTREG_SHUTDOWN_TIMEOUT": "20s",
		"PACTREG_LOG_LEVEL":        "info",
	}
	for k, v := range env {
		base[k] = v
	}
	var procEnv []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PACTREG_") && !strings.HasPrefix(kv, "OTEL_") {
			procEnv = append(procEnv, kv)
		}
	}
	for k, v := range base {
		procEnv = append(procEnv, k+"="+v)
	}

	listening := make([]chan string, n)
	for i := range n {
		p := &instance{Name: string(rune('A' + i)), log: &lineLog{}, exited: make(chan struct{})}
		p.cmd = exec.Command(bin)
		p.cmd.Env = procEnv
		stderr, err := p.cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatalf("start instance %s: %v", p.Name, err)
		}
		listening[i] = make(chan string, 1)
		go p.log.read(stderr, listening[i])
		go func() {
			p.err = p.cmd.Wait()
			close(p.exited)
		}()
		c.Instances = append(c.Instances, p)
		t.Cleanup(func() {
			p.stop()
			if t.Failed() {
				t.Logf("log of instance %s (last lines):\n%s", p.Name, p.log.tail(40))
				if errs := p.log.matching(`"level":"ERROR"`, 20); len(errs) > 0 {
					t.Logf("errors instance %s logged (first %d):\n%s", p.Name, len(errs), strings.Join(errs, "\n"))
				}
			}
		})
	}
	deadline := time.After(60 * time.Second)
	for i, p := range c.Instances {
		select {
		case p.Addr = <-listening[i]:
		case <-p.exited:
			t.Fatalf("instance %s exited before listening: %v\n%s", p.Name, p.err, p.log.tail(40))
		case <-deadline:
			t.Fatalf("instance %s did not listen within 60s:\n%s", p.Name, p.log.tail(40))
		}
	}
	for _, p := range c.Instances {
		p.awaitReady(t, 30*time.Second)
	}
	return c
}

func (p *instance) url(path string) string { return "http://" + p.Addr + path }

// awaitReady polls /readyz until it answers 200.
func (p *instance) awaitReady(t *testing.T, within time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		resp, err := client.Get(p.url("/readyz"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("instance %s not ready within %s", p.Name, within)
}

// signal sends sig to the process.
func (p *instance) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal instance %s: %v", p.Name, err)
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *instance) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("instance %s did not exit within %s", p.Name, within)
		return -1
	}
}

// stop ends the process if it still runs: SIGTERM, then SIGKILL after 10s.
func (p *instance) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// gqlReply is a GraphQL answer with its HTTP status.
type gqlReply struct {
	Status int
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

// code is the first error's extensions.code ("" without errors).
func (r gqlReply) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// post sends one GraphQL request with token (none when empty); err is a
// transport failure (no answer, or one that is not GraphQL JSON).
func (p *instance) post(ctx context.Context, client *http.Client, token, query string, vars map[string]any) (gqlReply, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url("/graphql"), bytes.NewReader(body))
	if err != nil {
		return gqlReply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return gqlReply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return gqlReply{Status: resp.StatusCode}, err
	}
	r := gqlReply{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("%d %.200s: %w", resp.StatusCode, raw, err)
	}
	return r, nil
}

// mustDo sends a request that must succeed and decodes its data into out
// (unless nil).
func (p *instance) mustDo(t *testing.T, token, query string, vars map[string]any, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	r, err := p.post(ctx, http.DefaultClient, token, query, vars)
	if err != nil || r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("instance %s: %s: %d %+v (%v)", p.Name, query, r.Status, r.Errors, err)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// subscribe opens a graphql-transport-ws connection to p (anonymous),
// starts query, and returns the payloads of its "next" messages; the
// channel closes when the subscription or the connection ends. Messages
// are read in the background (coder/websocket closes a connection whose
// read is cancelled) until the test ends.
func (p *instance) subscribe(t *testing.T, query string) <-chan json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws://"+p.Addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("instance %s: dial: %v", p.Name, err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	type message struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	if err := wsjson.Write(ctx, conn, message{Type: "connection_init", Payload: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	var ack message
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("instance %s: want connection_ack, got %+v (%v)", p.Name, ack, err)
	}
	sub, _ := json.Marshal(map[string]any{"query": query})
	if err := wsjson.Write(ctx, conn, message{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	events := make(chan json.RawMessage, 64)
	go func() {
		defer close(events)
		for {
			var m message
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return
			}
			switch m.Type {
			case "ping":
				_ = wsjson.Write(ctx, conn, message{Type: "pong"})
			case "next":
				select {
				case events <- m.Payload:
				default: // nobody is reading: drop rather than block
				}
			case "error", "complete":
				return
			}
		}
	}()
	return events
}

// lineLog keeps a process's stderr (JSON log lines).
type lineLog struct {
	mu    sync.Mutex
	lines []string
}

// read stores r's lines until EOF and sends the address of the first
// "pactreg listening" line on addr.
func (l *lineLog) read(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		l.mu.Lock()
		l.lines = append(l.lines, line)
		l.mu.Unlock()
		if !sent {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "pactreg listening" && entry.Addr != "" {
				addr <- entry.Addr
				sent = true
			}
		}
	}
}

// count is how many lines contain s.
func (l *lineLog) count(s string) int { return len(l.matching(s, -1)) }

// matching is the first n (all if n < 0) lines that contain s.
func (l *lineLog) matching(s string, n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range l.lines {
		if len(out) == n {
			break
		}
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// tail is the last n lines.
func (l *lineLog) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines[max(0, len(l.lines)-n):], "\n")
}
