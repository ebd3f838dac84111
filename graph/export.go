package graph

// Exports: a body's composition as files, for other systems (Popolo JSON,
// export_popolo.go) and for people (CSV for Excel, export_csv.go). They
// reuse the composition logic of composition.go and read through the ent
// client with the request's viewer in the context, so the privacy
// policies and the contact-data redaction apply exactly as in GraphQL.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/scalar"
)

// exporter serves the export endpoints.
type exporter struct {
	r   *Resolver
	log *slog.Logger
}

// NewExportHandler returns the export endpoints over client:
//
//	GET /export/popolo.json?body=<id>&asOf=YYYY-MM-DD    (both optional)
//	GET /export/composition.csv?body=<id>&asOf=YYYY-MM-DD (body required)
//
// behind the same request id, authentication (a bad credential is 401)
// and time limit as NewHandler with the same cfg.
func NewExportHandler(client *ent.Client, cfg Config) http.Handler {
	x := &exporter{r: &Resolver{client: client}, log: cfg.logger()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /export/popolo.json", x.logged("popolo.json", x.popolo))
	mux.HandleFunc("GET /export/composition.csv", x.logged("composition.csv", x.compositionCSV))
	// Every other path or method, and every refusal before the export runs
	// (credential, admission), answers in the exports' own error shape.
	mux.HandleFunc("/export/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/export/popolo.json" || r.URL.Path == "/export/composition.csv" {
			w.Header().Set("Allow", "GET, HEAD")
			writeExportError(w, http.StatusMethodNotAllowed, apperr.BadUserInput, r.Method+" is not served here: exports are read with GET")
			return
		}
		writeExportError(w, http.StatusNotFound, apperr.NotFound, "no export at "+r.URL.Path+": there are /export/popolo.json and /export/composition.csv")
	})
	cfg.Auth.WriteError = writeExportError
	return cfg.protect(client, admitWith(cfg.newSlots(), writeExportError, mux))
}

// writeExportError answers status with {"error": {"code", "message"}}.
func writeExportError(w http.ResponseWriter, status int, code apperr.Code, msg string) {
	authn.Challenge(w, status)
	writeExport(w, status, "application/json; charset=utf-8", nil,
		jsonBytes(map[string]any{"error": map[string]any{"code": string(code), "message": msg}}))
}

// exportFunc writes an export or returns why it cannot.
type exportFunc func(w http.ResponseWriter, r *http.Request) error

// logged runs f, answers its error as JSON, and writes one access-log line
// (request id, export, status, duration, actor, role; never parameters or
// results).
func (x *exporter) logged(name string, f exportFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := r.Context()
		status := http.StatusOK
		code := ""
		if err := f(w, r); err != nil {
			status, code = x.refuse(ctx, w, err)
		}
		logAccess(ctx, x.log, "export", start,
			slog.String("export", name),
			slog.Int("status", status),
			slog.String("error_code", code),
		)
	}
}

// exportStatus is the HTTP status of each error code an export can meet.
var exportStatus = map[apperr.Code]int{
	apperr.BadUserInput: http.StatusBadRequest,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Timeout:      http.StatusServiceUnavailable,
}

// refuse answers err as {"error": {"code", "message", "field"}} and
// returns the status and code. Anything unexpected is INTERNAL with the
// request id; its details go only to the log, never SQL to the client.
func (x *exporter) refuse(ctx context.Context, w http.ResponseWriter, err error) (int, string) {
	e, ok := apperr.As(err)
	switch {
	case ok:
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		e = apperr.New(apperr.Timeout, "", "the export took longer than the server allows and was stopped; ask for one body at a time")
	default:
		id := RequestID(ctx)
		x.log.ErrorContext(ctx, "export failed", "request_id", id, "error", err.Error())
		e = apperr.New(apperr.Internal, "", "internal error: the export could not be made; quote request id %s to the operators", id)
		e.Extensions = map[string]any{"requestId": id}
	}
	status, known := exportStatus[e.Code]
	if !known {
		status = http.StatusInternalServerError
	}
	body := map[string]any{"code": string(e.Code), "message": e.Message}
	if e.Field != "" {
		body["field"] = e.Field
	}
	for k, v := range e.Extensions {
		body[k] = v
	}
	writeExport(w, status, "application/json; charset=utf-8", nil, jsonBytes(map[string]any{"error": body}))
	return status, string(e.Code)
}

// writeExport writes a whole export (made in memory first, so that a
// failure never leaves half a file). Exports depend on the viewer: they
// are never cached by shared caches.
func writeExport(w http.ResponseWriter, status int, contentType string, header http.Header, body []byte) {
	for k, vs := range header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Vary", "Authorization")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonBytes encodes v as JSON followed by a newline, without escaping
// HTML characters (names such as "Børn & Unge" stay readable).
func jsonBytes(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // plain structs and maps of strings: cannot fail
	return b.Bytes()
}

// exportQuery is the parameters of an export.
type exportQuery struct {
	// body is the body's id; 0 when not given.
	body int
	asOf dates.Date
}

// parseExportQuery reads body (a body's id; required if bodyRequired)
// and asOf (YYYY-MM-DD; today in Denmark when not given).
func parseExportQuery(q url.Values, bodyRequired bool) (exportQuery, error) {
	var p exportQuery
	body, err := single(q, "body")
	if err != nil {
		return p, err
	}
	switch {
	case body != "":
		if p.body, err = scalar.UnmarshalID(body); err != nil {
			return p, apperr.BadInput("body", "%q is not a valid id: pass a body's id as GraphQL returns it", body)
		}
	case bodyRequired:
		return p, apperr.BadInput("body", "body is required: pass a body's id, e.g. ?body=4294967296")
	}
	asOf, err := single(q, "asOf")
	if err != nil {
		return p, err
	}
	if asOf == "" {
		p.asOf = dates.TodayInDenmark()
	} else if p.asOf, err = dates.Parse(asOf); err != nil {
		return p, apperr.BadInput("asOf", "%s", err.Error())
	}
	return p, nil
}

// single is the value of parameter name, refusing it given twice.
func single(q url.Values, name string) (string, error) {
	if vs := q[name]; len(vs) > 1 {
		return "", apperr.BadInput(name, "give %s once, not %d times", name, len(vs))
	}
	return q.Get(name), nil
}

// bodyOf reads the body with id, NOT_FOUND if there is none (or the
// id is another entity's).
func (x *exporter) bodyOf(ctx context.Context, id int) (*ent.Body, error) {
	b, err := x.r.reader(ctx).Body.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "body", "no body has id %d", id)
	}
	return b, err
}

// dateText is d as YYYY-MM-DD, or "" for no date.
func dateText(d *dates.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}
