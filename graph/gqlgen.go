//go:build ignore

// gqlgen.go runs gqlgen (go generate ./ent runs it after entc) as
// `gqlgen generate` does, with one change to the executor it writes:
// below the root, fields and list elements are resolved one after another
// in the request's goroutine instead of in a goroutine each.
//
// gqlgen starts a goroutine for every element of a list of objects, and
// for every object with two or more fields bound to a method taking a
// context, which every ent edge is, loaded or not. pactreg's lists hold
// eager-loaded entities, so those goroutines only cost: see bench/README.md
// and package graph/sequential. Root fields still run concurrently, and
// mutations were sequential already.
//
// The change has three parts. A plugin marks the non-root objects as gqlgen
// marks Mutation (no concurrent fields), the generated file's calls of
// graphql.MarshalSliceConcurrently are rewritten to sequential.MarshalSlice,
// and objects no longer build the @defer group that only concurrent fields
// fill (so @defer below a root resolves inline, in the one response that
// pactreg's transports send). The objects below the roots also get
// sequential.FieldSet instead of graphql.FieldSet: the same JSON, without
// a map and an escaping field per object.
//
// Last, a field that only reads a struct field of its object and writes it
// with a marshaller that cannot fail (String, Int, ID, Boolean, Date and
// pactreg's enums: see directMarshallers) is written directly, without
// graphql.ResolveField's field context, child context, closures and boxed
// result: about a quarter of the nested query's allocations were those, for
// fields that do no work. Such a field has no resolver, directive or
// argument, so the only thing skipped is the field interceptors of the
// server's extensions; pactreg's one (tracing) ignores these fields anyway.
// A field interceptor added later sees only fields that resolve something.
//
// And a query's reply is written into a buffer that earlier replies used
// (sequential.NewBuffer; the HTTP transport gives it back once the reply is
// sent) instead of a new one grown by doubling: that growth was 6-8 % of
// the bytes the nested query allocated.
//
// And every object collects its selected fields through
// sequential.CollectFields, which a list asks graphql.CollectFields once
// for all its elements instead of once per element.
//
// gqlgen rewrites the file from scratch each time, so the result depends
// only on the schema and the configuration.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"regexp"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	log.SetOutput(io.Discard) // as gqlgen's command without -verbose
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fail(err)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{})); err != nil {
		fail(err)
	}
	if err := rewrite(cfg.Exec.Filename, sequentialLists, directFields, pooledReplies, listCollectFields); err != nil {
		fail(err)
	}
}

// rewrite applies steps to the generated file, in order, and writes it
// back formatted, once.
func rewrite(file string, steps ...func([]byte) ([]byte, error)) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, step := range steps {
		if src, err = step(src); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if src, err = format.Source(src); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, src, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gqlgen:", err)
	os.Exit(1)
}

// sequentialFields turns off the concurrent resolution of the fields of
// every object but the roots.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequentialfields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}

const (
	concurrentCall = "graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, "
	sequentialCall = "sequential.MarshalSlice(ctx, len(v), "
	sequentialPkg  = `"github.com/pactreg/pactreg/graph/sequential"`

	newDeferredGroup = "deferred := graphql.NewDeferredGroup(ctx)"
	noDeferredGroup  = "var deferred graphql.DeferredGroup // never filled: see graph/gqlgen.go"

	// An object below the roots (the roots put a root field context
	// between the loop and the switch) and its field set.
	objectFieldSet     = "out := graphql.NewFieldSet(fields)\n\t" + noDeferredGroup + "\n\tfor i, field := range fields {\n\t\tswitch field.Name {"
	sequentialFieldSet = "out := sequential.NewFieldSet(fields)\n\t" + noDeferredGroup + "\n\tfor i, field := range fields {\n\t\tswitch field.Name {"
	// The roots: Query and Mutation keep graphql.FieldSet.
	rootFieldSets = 2
)

// sequentialLists rewrites the executor's list marshalling.
func sequentialLists(src []byte) ([]byte, error) {
	n := bytes.Count(src, []byte(concurrentCall))
	if n == 0 {
		return nil, fmt.Errorf("no %q to rewrite: has gqlgen's output changed?", concurrentCall)
	}
	src = bytes.ReplaceAll(src, []byte(concurrentCall), []byte(sequentialCall))
	if bytes.Contains(src, []byte("MarshalSliceConcurrently(")) {
		return nil, fmt.Errorf("a MarshalSliceConcurrently call of another form is left: has gqlgen's output (or exec.worker_limit, omit_panic_handler) changed?")
	}
	// Only a concurrent field can be deferred (@defer), and none below the
	// roots is left, so every object's deferred group stays empty: skip
	// building one (its path alone was an eighth of the nested query's CPU).
	if bytes.Contains(src, []byte("&deferred")) {
		return nil, fmt.Errorf("a field is still deferred through &deferred: has gqlgen's output changed?")
	}
	src = bytes.ReplaceAll(src, []byte(newDeferredGroup), []byte(noDeferredGroup))
	// The objects below the roots write themselves with sequential.FieldSet
	// (no map and no escaping field per object: see its comment).
	if bytes.Count(src, []byte(objectFieldSet)) == 0 {
		return nil, fmt.Errorf("no object field set %q to rewrite: has gqlgen's output changed?", objectFieldSet)
	}
	src = bytes.ReplaceAll(src, []byte(objectFieldSet), []byte(sequentialFieldSet))
	if n := bytes.Count(src, []byte("graphql.NewFieldSet(")); n != rootFieldSets {
		return nil, fmt.Errorf("%d graphql.NewFieldSet calls left, want %d (Query, Mutation): has gqlgen's output changed?", n, rootFieldSets)
	}
	// The import goes last in the block, among the other modules'.
	start := bytes.Index(src, []byte("import (\n"))
	end := bytes.Index(src[max(start, 0):], []byte("\n)\n"))
	if start < 0 || end < 0 {
		return nil, fmt.Errorf("no import block")
	}
	i := start + end + 1
	return append(src[:i:i], append([]byte("\t"+sequentialPkg+"\n"), src[i:]...)...), nil
}

// plainField matches a generated field function whose resolver reads a
// struct field and that has no middleware (directives): $1 the function,
// $2 the object's type, $3 the struct field, $4 the marshaller.
var plainField = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (_\w+)\(ctx context\.Context, field graphql\.CollectedField, obj (\*[\w.]+)\) \(ret graphql\.Marshaler\) \{
	return graphql\.ResolveField\(
		ctx,
		ec\.OperationContext,
		field,
		func\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
			return ec\.fieldContext_\w+\(ctx, field\)
		\},
		func\(ctx context\.Context\) \(any, error\) \{
			return obj\.(\w+), nil
		\},
		nil,
		func\(ctx context\.Context, selections ast\.SelectionSet, v [^)]+\) graphql\.Marshaler \{
			return ec\.(marshal[^(]+)\(ctx, selections, v\)
		\},
		(?:true|false),
		(?:true|false),
	\)
\}
`)

// directMarshallers are the marshallers that cannot fail or return null for
// a value of their Go type (so no error needs the field's path): String,
// Int, ID, Boolean and Date, and every enum of package vocab (which marshal
// as themselves). Time is not among them: a zero time marshals as null.
var directMarshallers = regexp.MustCompile(`^marshal(?:N(?:String2string|Int2int|ID2int|Boolean2bool|Date2githubᚗcomᚋpactregᚋpactregᚋentᚋdatesᚐDate)|O(?:String2string|String2ᚖstring|Int2int|Int2ᚖint|ID2ᚖint|Boolean2bool|Boolean2ᚖbool|Date2ᚖgithubᚗcomᚋpactregᚋpactregᚋentᚋdatesᚐDate)|[NO]\w+2githubᚗcomᚋpactregᚋpactregᚋentᚋvocabᚐ\w+)$`)

// directFields rewrites the plain fields whose marshaller is one of
// directMarshallers to call it directly.
func directFields(src []byte) ([]byte, error) {
	n := 0
	src = plainField.ReplaceAllFunc(src, func(m []byte) []byte {
		g := plainField.FindSubmatch(m)
		if !directMarshallers.Match(g[4]) {
			return m
		}
		n++
		return fmt.Appendf(nil, "func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField, obj %s) (ret graphql.Marshaler) {\n\treturn ec.%s(ctx, field.Selections, obj.%s) // a plain field: see graph/gqlgen.go\n}\n", g[1], g[2], g[4], g[3])
	})
	if n == 0 {
		return nil, fmt.Errorf("no plain field to write directly: has gqlgen's output changed?")
	}
	return src, nil
}

const (
	queryReply  = "var buf bytes.Buffer\n\t\t\tdata.MarshalGQL(&buf)\n\t\t\tresponse.Data = buf.Bytes()"
	pooledReply = "buf := sequential.NewBuffer()\n\t\t\tdata.MarshalGQL(buf)\n\t\t\tresponse.Data = buf.Bytes()"
)

// pooledReplies rewrites the query branch of the executor to marshal into
// sequential.NewBuffer.
func pooledReplies(src []byte) ([]byte, error) {
	if n := bytes.Count(src, []byte(queryReply)); n != 1 {
		return nil, fmt.Errorf("%d query replies %q, want 1: has gqlgen's output changed?", n, queryReply)
	}
	return bytes.Replace(src, []byte(queryReply), []byte(pooledReply), 1), nil
}

const (
	collectFields     = "graphql.CollectFields(ec.OperationContext, sel, "
	sequentialCollect = "sequential.CollectFields(ctx, ec.OperationContext, sel, "
)

// listCollectFields rewrites every object's graphql.CollectFields call to
// sequential.CollectFields, which a list asks once for all its elements.
func listCollectFields(src []byte) ([]byte, error) {
	if bytes.Count(src, []byte(collectFields)) == 0 {
		return nil, fmt.Errorf("no %q to rewrite: has gqlgen's output changed?", collectFields)
	}
	src = bytes.ReplaceAll(src, []byte(collectFields), []byte(sequentialCollect))
	if bytes.Contains(src, []byte("graphql.CollectFields(")) {
		return nil, fmt.Errorf("a graphql.CollectFields call of another form is left: has gqlgen's output changed?")
	}
	return src, nil
}
