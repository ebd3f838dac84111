package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/migrate"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/vocab"
)

// presentError turns any error into what the client may see: a typed code
// in extensions.code, the input field at fault in extensions.field, and a
// plain-English message. Anything unexpected becomes INTERNAL with the
// request id; its details go only to the log.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		out := &gqlerror.Error{
			Message:   gerr.Message,
			Path:      gerr.Path,
			Locations: gerr.Locations,
			Rule:      gerr.Rule,
		}
		c := classify(err, gerr)
		if c.code == apperr.Internal {
			id := RequestID(ctx)
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				// The client went away (a WebSocket closed while an event
				// was being resolved, a request abandoned): nobody reads
				// the answer and nothing failed on the server's side.
				log.InfoContext(ctx, "request cancelled by the client", "request_id", id, "path", gerr.Path.String())
			} else {
				log.ErrorContext(ctx, "internal error", "request_id", id, "path", gerr.Path.String(), "error", err.Error())
			}
			c.message = "internal error: the request could not be completed; quote request id " + id + " to the operators"
			c.ext = map[string]any{"requestId": id}
		}
		out.Message = c.message
		out.Extensions = map[string]any{"code": string(c.code)}
		if c.field != "" {
			out.Extensions["field"] = c.field
		}
		for k, v := range c.ext {
			out.Extensions[k] = v
		}
		return out
	}
}

type classified struct {
	code    apperr.Code
	field   string
	message string
	ext     map[string]any
}

// classify maps err to its client-facing class. gerr is err as a gqlerror
// (with the path of the input value for coercion errors).
func classify(err error, gerr *gqlerror.Error) classified {
	if ae, ok := apperr.As(err); ok {
		field := ae.Field
		if field == "" && ae.Code == apperr.BadUserInput {
			field = lastName(gerr.Path)
		}
		return classified{code: ae.Code, field: field, message: ae.Message, ext: ae.Extensions}
	}
	var (
		ve  *ent.ValidationError
		nfe *ent.NotFoundError
		ce  *ent.ConstraintError
		pe  *dates.ParseError
		ue  *vocab.UnknownValueError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return classified{code: apperr.Timeout, message: "the request took longer than the server allows and was stopped; ask for less at once"}
	case errors.As(err, &ve):
		field := rules.GQLName(ve.Name)
		msg := fmt.Sprintf("invalid %s", field)
		// The innermost error is the validator's own sentence; ent wraps it
		// in "validator failed for field …".
		if inner := innermost(ve); inner != error(ve) {
			msg += ": " + strings.TrimPrefix(inner.Error(), "ent: ")
		}
		return classified{code: apperr.BadUserInput, field: field, message: msg}
	case errors.As(err, &nfe):
		return classified{code: apperr.NotFound, message: strings.TrimPrefix(nfe.Error(), "ent: ")}
	case errors.As(err, &ce):
		return constraint(ce)
	case errors.As(err, &pe), errors.As(err, &ue):
		return classified{code: apperr.BadUserInput, field: lastName(gerr.Path), message: gerr.Message}
	}
	switch errcode.GetErrorKind(gqlerror.List{gerr}) {
	case errcode.KindProtocol:
		// Parse and validation failures of the request document or its
		// variables: the client's input is wrong.
		field := ""
		if len(gerr.Path) > 0 && gerr.Path[0] == ast.PathName("variable") {
			field = lastName(gerr.Path)
		}
		return classified{code: apperr.BadUserInput, field: field, message: gerr.Message}
	}
	if code, ok := gerr.Extensions["code"].(string); ok && code == string(apperr.NotFound) {
		return classified{code: apperr.NotFound, message: gerr.Message}
	}
	return classified{code: apperr.Internal}
}

// lastName is the last field name on an input path (["input", "cvr"] → "cvr").
func lastName(p ast.Path) string {
	for i := len(p) - 1; i >= 0; i-- {
		if n, ok := p[i].(ast.PathName); ok {
			return string(n)
		}
	}
	return ""
}

// sqliteUnique matches SQLite's "UNIQUE constraint failed: table.column"
// (", table.column" more for an index of several columns).
var sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: (\w+\.\w+(?:, \w+\.\w+)*)`)

// compositeUnique is, for a unique index over several columns, the input
// field a client should change and what to tell them.
type compositeUnique struct{ field, message string }

// compositeUniques are the unique indexes of several columns
// (ent/schema's Indexes() with Unique()), by index name. The rules refuse
// most such duplicates before the database does; this is the answer when
// a concurrent write gets there first. TestEveryCompositeUniqueIsMapped
// keeps the list complete.
var compositeUniques = map[string]compositeUnique{
	"indicatortarget_indicator_id_year":      {"year", "the indicator already has a target for this year"},
	"mandatelink_body_id_task_initiative_id": {"task", "this task of the body is already linked to the initiative"},
}

// uniqueIndex is a unique index as a violation names it: its single
// column, or (column "") the name of an index of several columns.
type uniqueIndex struct{ column, index string }

// uniqueIndexes maps what the databases say of a unique violation to the
// index: PostgreSQL's constraint name (the index name, or
// <table>_<column>_key for a unique column) and SQLite's column list
// ("table.a, table.b").
var uniqueIndexes = func() map[string]uniqueIndex {
	m := map[string]uniqueIndex{}
	for _, t := range migrate.Tables {
		for _, c := range t.Columns {
			if c.Unique {
				m[t.Name+"_"+c.Name+"_key"] = uniqueIndex{column: c.Name}
				m[t.Name+"."+c.Name] = uniqueIndex{column: c.Name}
			}
		}
		for _, ix := range t.Indexes {
			if !ix.Unique {
				continue
			}
			cols := make([]string, len(ix.Columns))
			for i, c := range ix.Columns {
				cols[i] = t.Name + "." + c.Name
			}
			v := uniqueIndex{index: ix.Name}
			if len(ix.Columns) == 1 {
				v = uniqueIndex{column: ix.Columns[0].Name}
			}
			m[ix.Name] = v
			m[strings.Join(cols, ", ")] = v
		}
	}
	return m
}()

// constraint explains a constraint violation without SQL: the column of a
// unique violation becomes the field; a unique index of several columns
// names the field of compositeUniques. A violation that cannot be traced
// to a known index gets no field and a generic message (never the
// database's name of the index).
func constraint(err error) classified {
	key, unique := "", false
	var pqe *pq.Error
	if errors.As(err, &pqe) {
		key, unique = pqe.Constraint, pqe.Code == "23505" // unique_violation
	} else if m := sqliteUnique.FindStringSubmatch(err.Error()); m != nil {
		key, unique = m[1], true
	}
	if !unique {
		return classified{code: apperr.Conflict,
			message: "the change conflicts with other data (a record it refers to may be missing or in use)"}
	}
	ix, known := uniqueIndexes[key]
	switch {
	case known && ix.column != "":
		field := rules.GQLName(ix.column)
		return classified{code: apperr.Conflict, field: field,
			message: fmt.Sprintf("another record already has this %s", field)}
	case known:
		if c, ok := compositeUniques[ix.index]; ok {
			return classified{code: apperr.Conflict, field: c.field, message: c.message}
		}
	}
	return classified{code: apperr.Conflict, message: "another record already has these values"}
}

// innermost follows err's chain of single wrapping to its end.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
