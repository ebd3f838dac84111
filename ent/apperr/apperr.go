// Package apperr defines the typed errors that the registry reports to its
// clients. Hooks and resolvers return them; the GraphQL error presenter
// turns them into extensions.code / extensions.field.
package apperr

import (
	"errors"
	"fmt"
)

// Code is the machine-readable class of an error (extensions.code).
type Code string

// The codes a client can rely on.
const (
	BadUserInput Code = "BAD_USER_INPUT"
	NotFound     Code = "NOT_FOUND"
	Conflict     Code = "CONFLICT"
	Internal     Code = "INTERNAL"
	// Unauthenticated: a credential was sent but is bad, expired or revoked (HTTP 401).
	Unauthenticated Code = "UNAUTHENTICATED"
	// Forbidden: the viewer's role may not do this.
	Forbidden Code = "FORBIDDEN"
	// TooComplex: the query exceeds a limit (cost, depth, page size, list length).
	TooComplex Code = "QUERY_TOO_COMPLEX"
	// RateLimited: the caller spent its budget; Extensions["retryAfter"] is seconds (HTTP 429).
	RateLimited Code = "RATE_LIMITED"
	// Timeout: the request ran longer than the execution limit.
	Timeout Code = "TIMEOUT"
	// NotEligible: the organisation may not hold a seat of the allocation.
	NotEligible Code = "NOT_ELIGIBLE"
	// SeatFull: the allocation would hold more members than seats on some date.
	SeatFull Code = "SEAT_FULL"
	// TermLimit: the person would exceed the body's consecutive terms.
	TermLimit Code = "TERM_LIMIT"
	// DeadlinePassed: an application after its round's deadline.
	DeadlinePassed Code = "DEADLINE_PASSED"
	// BudgetExceeded: a round would grant more than its budget.
	BudgetExceeded Code = "BUDGET_EXCEEDED"
)

// Error is an expected failure with a plain-English message.
type Error struct {
	Code Code
	// Field is the GraphQL input field at fault (camelCase), if any.
	Field string
	// Message is shown to the client as it is.
	Message string
	// Extensions are extra machine-readable facts for the client.
	Extensions map[string]any
}

func (e *Error) Error() string { return e.Message }

// New returns an error of the given code.
func New(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// BadInput reports input that breaks a rule.
func BadInput(field, format string, args ...any) *Error {
	return New(BadUserInput, field, format, args...)
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
