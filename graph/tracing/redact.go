package tracing

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// redacted are attribute keys that HTTP instrumentation records and that
// identify a person or their device: addresses and the user agent.
var redacted = map[attribute.Key]bool{
	"client.address":       true,
	"client.port":          true,
	"network.peer.address": true,
	"network.peer.port":    true,
	"http.client_ip":       true,
	"net.sock.peer.addr":   true,
	"net.sock.peer.port":   true,
	"user_agent.original":  true,
	"http.user_agent":      true,
	"url.query":            true,
	"url.full":             true,
	"enduser.id":           true,
}

// Redact returns exp that drops personal attributes (client addresses,
// the user agent, URL queries, end-user ids, db.query.parameter.*) from
// every span before it leaves the process. pactreg's own spans never set
// them; otelhttp's server spans do, and it has no option to leave them out.
func Redact(exp sdktrace.SpanExporter) sdktrace.SpanExporter { return redactor{exp} }

type redactor struct{ sdktrace.SpanExporter }

func (r redactor) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = s
		attrs := s.Attributes()
		kept := make([]attribute.KeyValue, 0, len(attrs))
		for _, a := range attrs {
			if !redacted[a.Key] && !strings.HasPrefix(string(a.Key), "db.query.parameter.") {
				kept = append(kept, a)
			}
		}
		if len(kept) < len(attrs) {
			out[i] = redactedSpan{ReadOnlySpan: s, attrs: kept}
		}
	}
	return r.SpanExporter.ExportSpans(ctx, out)
}

// redactedSpan is a span with fewer attributes.
type redactedSpan struct {
	sdktrace.ReadOnlySpan
	attrs []attribute.KeyValue
}

func (s redactedSpan) Attributes() []attribute.KeyValue { return s.attrs }
