// Package static serves a GraphiQL page whose JavaScript and CSS are embedded
// in the binary, so that it works without any network access beyond the
// server itself (no CDN).
//
// The vendored files (GraphiQL 3.9.0 UMD build, React and ReactDOM 18.3.1 UMD
// production builds) live in assets/; assets/VERSIONS.txt says where they come
// from and how to upgrade them.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// AssetPrefix is the path, relative to the handler's root, under which the
// assets are served. The index page refers to them with relative URLs, so the
// handler also works when mounted under a prefix with http.StripPrefix (as long
// as the page is reached with its trailing slash, which http.ServeMux ensures
// by redirecting).
const AssetPrefix = "/graphiql/"

//go:embed assets/page.js assets/page.css
//go:embed assets/graphiql/graphiql.min.js assets/graphiql/graphiql.min.css assets/graphiql/LICENSE
//go:embed assets/react/react.production.min.js assets/react/LICENSE
//go:embed assets/react-dom/react-dom.production.min.js assets/react-dom/LICENSE
var assetFS embed.FS

const (
	ctHTML = "text/html; charset=utf-8"
	ctJS   = "text/javascript; charset=utf-8"
	ctCSS  = "text/css; charset=utf-8"
	ctText = "text/plain; charset=utf-8"

	// Asset URLs carry a hash of their content, so they never change.
	cacheImmutable = "public, max-age=31536000, immutable"
	// The index page and the licenses have stable URLs: revalidate (ETag).
	cacheRevalidate = "no-cache"
)

// contentSecurityPolicy is the policy of the index page, less connect-src,
// which depends on the endpoint. Scripts come only from this server (the page
// has no inline script). GraphiQL needs 'unsafe-inline' styles: a dependency
// (react-remove-scroll, used by its dialogs) injects a <style> element. Its
// CSS embeds its fonts and a few images as data: URLs (img-src data: also
// covers the page's empty favicon, which saves a request). It needs no eval.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.GraphiQLCSS}}">
<link rel="stylesheet" href="{{.PageCSS}}">
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}">Loading GraphiQL…</div>
<script src="{{.React}}"></script>
<script src="{{.ReactDOM}}"></script>
<script src="{{.GraphiQL}}"></script>
<script src="{{.PageJS}}"></script>
</body>
</html>
`))

// resource is one response body the handler serves: body, or the embedded
// file named file, served from the binary's data without a copy on the heap
// (the assets are about 1.1 MB).
type resource struct {
	body         []byte
	file         string
	contentType  string
	cacheControl string
	etag         string
	csp          string // Content-Security-Policy, only for the index
}

func newResource(body []byte, contentType, cacheControl string) *resource {
	sum := sha256.Sum256(body)
	return &resource{
		body:         body,
		contentType:  contentType,
		cacheControl: cacheControl,
		etag:         `"` + hex.EncodeToString(sum[:16]) + `"`,
	}
}

// embedded returns the resource of an embedded file; its ETag is computed
// from a copy that is dropped at once.
func embedded(file, contentType, cacheControl string) *resource {
	body, err := assetFS.ReadFile(file)
	if err != nil {
		panic("static: missing embedded file: " + err.Error())
	}
	res := newResource(body, contentType, cacheControl)
	res.body, res.file = nil, file
	return res
}

// content returns a reader of res's body.
func (res *resource) content() (io.ReadSeeker, error) {
	if res.file == "" {
		return bytes.NewReader(res.body), nil
	}
	f, err := assetFS.Open(res.file)
	if err != nil {
		return nil, err
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return nil, fmt.Errorf("static: embedded %s cannot seek", res.file)
	}
	return rs, nil
}

type handler struct {
	routes map[string]*resource // by request path
}

// Handler serves GraphiQL at its root ("/") and the assets under "/graphiql/…"
// (AssetPrefix), using endpoint as the GraphQL URL the page posts to (e.g.
// "/graphql"; an absolute http(s) URL of another origin is allowed too, and is
// then added to the page's connect-src).
//
// Only GET and HEAD are allowed (other methods get 405); any other path gets
// 404. The index page is rendered once, here. Handler panics if endpoint is
// empty or not a valid URL.
func Handler(endpoint string) http.Handler {
	connectSrc, err := connectSources(endpoint)
	if err != nil {
		panic("static.Handler: " + err.Error())
	}

	h := &handler{routes: make(map[string]*resource)}

	// addAsset registers an embedded file under a URL containing its hash and
	// returns that URL relative to the index page.
	addAsset := func(file, contentType string) string {
		res := embedded(file, contentType, cacheImmutable)
		base := path.Base(file)
		ext := path.Ext(base)
		name := strings.TrimSuffix(base, ext) + "." + strings.Trim(res.etag, `"`)[:12] + ext
		h.routes[AssetPrefix+name] = res
		return strings.TrimPrefix(AssetPrefix, "/") + name
	}
	for _, pkg := range []string{"graphiql", "react", "react-dom"} {
		h.routes[AssetPrefix+"licenses/"+pkg+".txt"] = embedded("assets/"+pkg+"/LICENSE", ctText, cacheRevalidate)
	}

	data := struct {
		Endpoint                          string
		React, ReactDOM, GraphiQL, PageJS string
		GraphiQLCSS, PageCSS              string
	}{
		Endpoint:    endpoint,
		React:       addAsset("assets/react/react.production.min.js", ctJS),
		ReactDOM:    addAsset("assets/react-dom/react-dom.production.min.js", ctJS),
		GraphiQL:    addAsset("assets/graphiql/graphiql.min.js", ctJS),
		PageJS:      addAsset("assets/page.js", ctJS),
		GraphiQLCSS: addAsset("assets/graphiql/graphiql.min.css", ctCSS),
		PageCSS:     addAsset("assets/page.css", ctCSS),
	}
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, data); err != nil {
		panic("static: rendering index: " + err.Error())
	}
	index := newResource(buf.Bytes(), ctHTML, cacheRevalidate)
	index.csp = contentSecurityPolicy + "; connect-src " + connectSrc
	h.routes["/"] = index

	return h
}

// connectSources returns the CSP connect-src sources the page needs to reach
// endpoint: 'self', plus endpoint's origin if it is an absolute URL.
func connectSources(endpoint string) (string, error) {
	if endpoint == "" {
		return "", fmt.Errorf("empty GraphQL endpoint")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("invalid GraphQL endpoint %q: %v", endpoint, err)
	}
	if !u.IsAbs() && u.Host == "" {
		return "'self'", nil
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "http", "https":
	case "":
		// Scheme-relative ("//host/graphql"): allow the host over either.
	default:
		return "", fmt.Errorf("GraphQL endpoint %q: scheme must be http or https", endpoint)
	}
	for _, c := range u.Host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.ContainsRune(".-:[]", c)) {
			return "", fmt.Errorf("GraphQL endpoint %q: unsupported character %q in host", endpoint, c)
		}
	}
	if u.Host == "" {
		return "", fmt.Errorf("GraphQL endpoint %q: no host", endpoint)
	}
	if scheme == "" {
		return "'self' " + u.Host, nil
	}
	return "'self' " + scheme + "://" + u.Host, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	res, ok := h.routes[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	body, err := res.content()
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", res.contentType)
	hdr.Set("Cache-Control", res.cacheControl)
	hdr.Set("ETag", res.etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if res.csp != "" {
		hdr.Set("Content-Security-Policy", res.csp)
	}
	// ServeContent handles HEAD, If-None-Match (304) and Range.
	http.ServeContent(w, r, "", time.Time{}, body)
}
