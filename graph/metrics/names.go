package metrics

import (
	"sync"

	"github.com/pactreg/pactreg/graph/opname"
)

// Label values that stand for a group of operations.
const (
	// Anonymous is the operation label of an operation without a name.
	Anonymous = "anonymous"
	// Other is the operation label of names past the cap or of a shape
	// that is not a plain GraphQL name of at most 64 characters.
	Other = "other"
	// Invalid is the operation label (and "unknown" the type) of a
	// request refused before an operation was chosen: a bad body, a
	// document that does not parse or validate.
	Invalid = "invalid"
)

// operationNames admits operation names as label values, first come,
// first served, up to a cap, so that clients cannot grow the number of
// time series without bound.
type operationNames struct {
	mu   sync.Mutex
	seen map[string]struct{}
	max  int
}

func newOperationNames(max int) *operationNames {
	return &operationNames{seen: make(map[string]struct{}), max: max}
}

// label is the operation label for name.
func (o *operationNames) label(name string) string {
	switch {
	case name == "":
		return Anonymous
	case !opname.Plain(name):
		return Other
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.seen[name]; ok {
		return name
	}
	if len(o.seen) >= o.max {
		return Other
	}
	o.seen[name] = struct{}{}
	return name
}
