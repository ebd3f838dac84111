package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/graph/sequential"
)

// httpTransport serves GraphQL over HTTP: POST with a JSON body for every
// operation, GET with URL parameters for queries only. Unlike gqlgen's
// stock transports, every refusal is a typed error through the error
// presenter, and a bad body is never echoed back.
type httpTransport struct {
	maxBodyBytes int64
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && (r.Method == http.MethodPost || r.Method == http.MethodGet)
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Set("Content-Type", "application/json")
	start := graphql.Now()
	var (
		params *graphql.RawParams
		status int
		err    error
	)
	if r.Method == http.MethodGet {
		params, status, err = readGET(r)
	} else {
		params, status, err = t.readPOST(w, r)
	}
	if err != nil {
		refuse(w, r, exec, status, err)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// A well-formed request whose document or variables are wrong: the
		// GraphQL-over-HTTP spec answers application/json with 200. Only a
		// spent rate budget changes the status (429 with Retry-After).
		if after, limited := retryAfter(errs); limited {
			w.Header().Set("Retry-After", strconv.Itoa(after))
			w.WriteHeader(http.StatusTooManyRequests)
		}
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if r.Method == http.MethodGet {
		if op := opCtx.Doc.Operations.ForName(opCtx.OperationName); op == nil || op.Operation != ast.Query {
			w.Header().Set("Allow", "POST")
			refuse(w, r, exec, http.StatusMethodNotAllowed,
				apperr.BadInput("", "only queries may be sent with GET: send mutations with POST"))
			return
		}
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen gives no response when the request's context ended first.
		resp = exec.DispatchError(graphql.WithOperationContext(r.Context(), opCtx), gqlerror.List{gqlerror.WrapPath(nil,
			apperr.New(apperr.Timeout, "", "the request took longer than the server allows and was stopped; ask for less at once"))})
	}
	writeResponse(w, resp)
	// The reply is sent and nothing reads its data any more: the next
	// query's reply may use the buffer (graph/gqlgen.go, pooledReplies).
	sequential.ReleaseBuffer(resp.Data)
}

func (t httpTransport) readPOST(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, int, error) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return nil, http.StatusUnsupportedMediaType,
			apperr.BadInput("", "send GraphQL requests as Content-Type: application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge,
				apperr.BadInput("", "the request body is larger than %d bytes", tooLarge.Limit)
		}
		return nil, http.StatusBadRequest, apperr.BadInput("", "the request body could not be read")
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		return nil, http.StatusBadRequest, apperr.BadInput("", "the request body is not a valid JSON GraphQL request: %s", jsonProblem(err))
	}
	if dec.More() {
		return nil, http.StatusBadRequest, apperr.BadInput("", "the request body holds more than one JSON value")
	}
	if strings.TrimSpace(params.Query) == "" && params.Extensions["persistedQuery"] == nil {
		return nil, http.StatusBadRequest, apperr.BadInput("query", "the request has no query")
	}
	return params, 0, nil
}

func readGET(r *http.Request) (*graphql.RawParams, int, error) {
	q := r.URL.Query()
	params := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for name, dst := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if s := q.Get(name); s != "" {
			dec := json.NewDecoder(strings.NewReader(s))
			dec.UseNumber()
			if err := dec.Decode(dst); err != nil {
				return nil, http.StatusBadRequest, apperr.BadInput(name, "the %s parameter is not a JSON object: %s", name, jsonProblem(err))
			}
		}
	}
	if strings.TrimSpace(params.Query) == "" && params.Extensions["persistedQuery"] == nil {
		return nil, http.StatusBadRequest, apperr.BadInput("query", "the request has no query parameter")
	}
	return params, 0, nil
}

// jsonProblem describes a JSON decoding error without quoting the input.
func jsonProblem(err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%q must not be a JSON %s", typ.Field, typ.Value)
		}
		return fmt.Sprintf("expected a JSON object, got a JSON %s", typ.Value)
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends too early"
	}
	return "it cannot be decoded"
}

// refuse answers a request that never reached execution.
func refuse(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, err error) {
	w.WriteHeader(status)
	// Response interceptors expect an operation context; there is none yet.
	ctx := graphql.WithOperationContext(r.Context(), &graphql.OperationContext{})
	writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.WrapPath(nil, err)}))
}

// writeResponse writes resp as json.Marshal(resp) would, byte for byte,
// without re-encoding its data. json.Marshal validates, compacts and
// HTML-escapes the raw data, which for a large reply is a copy and a scan
// of every byte through encoding/json's state machine (4 % of the nested
// benchmark query's CPU). gqlgen writes data compact; when it also holds
// nothing to escape (<, >, &, U+2028, U+2029 in strings: a cheap scan),
// data is written as it is, between the errors and the extensions encoded
// by json.Marshal. Anything else (a response with a label, path or hasNext,
// data that needs escaping or compacting) takes json.Marshal(resp).
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp.Label == "" && resp.Path == nil && resp.HasNext == nil && rawDataAsMarshalled(resp.Data) {
		if b, err := marshalAround(resp); err == nil {
			_, _ = w.Write(b.head)
			if resp.Data == nil {
				_, _ = io.WriteString(w, "null")
			} else {
				_, _ = w.Write(resp.Data)
			}
			_, _ = w.Write(b.tail)
			return
		}
	}
	b, err := json.Marshal(resp)
	if err != nil {
		b = []byte(`{"errors":[{"message":"internal error: the response could not be encoded","extensions":{"code":"INTERNAL"}}]}`)
	}
	_, _ = w.Write(b)
}

// around is what a response holds before and after its data.
type around struct{ head, tail []byte }

// marshalAround encodes resp's errors and extensions as json.Marshal(resp)
// does, around the data: {"errors":…,"data": and ,"extensions":…}.
func marshalAround(resp *graphql.Response) (around, error) {
	head := []byte(`{`)
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return around{}, err
		}
		head = append(append(append(head, `"errors":`...), errs...), ',')
	}
	head = append(head, `"data":`...)
	tail := []byte(nil)
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			return around{}, err
		}
		tail = append(append(tail, `,"extensions":`...), ext...)
	}
	return around{head: head, tail: append(tail, '}')}, nil
}

// rawDataAsMarshalled reports whether json.Marshal would write data (a
// json.RawMessage gqlgen produced, so valid JSON) unchanged: no whitespace
// outside strings, and no character inside them that json.Marshal
// escapes for HTML (<, >, &, U+2028, U+2029; their UTF-8 starts with 0xE2,
// which is checked, conservatively, on its own and anywhere).
func rawDataAsMarshalled(data json.RawMessage) bool {
	if data != nil && len(data) == 0 {
		return false // json.Marshal fails on it
	}
	for _, c := range [...]byte{'<', '>', '&', 0xE2} {
		if bytes.IndexByte(data, c) >= 0 { // vectorised: cheaper than one pass testing each byte
			return false
		}
	}
	n := len(data)
	for i := 0; i < n; i++ {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			return false
		case '"':
			// A string: skip to its closing quote, and past each escape.
			for i++; i < n && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if i >= n {
				return false // unterminated: not gqlgen's
			}
		}
	}
	return true
}

// retryAfter finds a RATE_LIMITED error and its retryAfter seconds.
func retryAfter(errs gqlerror.List) (int, bool) {
	for _, e := range errs {
		if ae, ok := apperr.As(e); ok && ae.Code == apperr.RateLimited {
			secs, _ := ae.Extensions["retryAfter"].(int)
			return max(secs, 1), true
		}
	}
	return 0, false
}
