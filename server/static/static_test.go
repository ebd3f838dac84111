package static

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var refRE = regexp.MustCompile(`<(script|link)\b[^>]*?\b(src|href)="([^"]*)"`)

// indexRefs returns the URLs of the scripts and stylesheets of the index page,
// keyed by URL, with the tag name as value.
func indexRefs(t *testing.T, html string) map[string]string {
	t.Helper()
	refs := map[string]string{}
	for _, m := range refRE.FindAllStringSubmatch(html, -1) {
		if strings.HasPrefix(m[3], "data:") { // the empty favicon
			continue
		}
		refs[m[3]] = m[1]
	}
	if len(refs) == 0 {
		t.Fatalf("index references no script or stylesheet:\n%s", html)
	}
	return refs
}

func TestIndex(t *testing.T) {
	h := Handler("/graphql")
	resp := get(t, h, http.MethodGet, "/", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET /: Content-Type %q", ct)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q allows eval", csp)
	}
	html := body(t, resp)
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Errorf("index contains an absolute URL (CDN?):\n%s", html)
	}
	if !strings.Contains(html, `data-endpoint="/graphql"`) {
		t.Errorf("index lacks the endpoint:\n%s", html)
	}
	if regexp.MustCompile(`<script>|<script\s+(type="[^"]*"\s*)?>`).MatchString(html) {
		t.Errorf("index has an inline script, which the CSP forbids:\n%s", html)
	}
	refs := indexRefs(t, html)
	for _, name := range []string{"react.production.min.", "react-dom.production.min.", "graphiql.min.", "page."} {
		found := false
		for ref, tag := range refs {
			if tag == "script" && strings.Contains(ref, name) && strings.HasSuffix(ref, ".js") {
				found = true
			}
		}
		if !found {
			t.Errorf("index has no script %s*.js: %v", name, refs)
		}
	}
	for _, name := range []string{"graphiql.min.", "page."} {
		found := false
		for ref, tag := range refs {
			if tag == "link" && strings.Contains(ref, name) && strings.HasSuffix(ref, ".css") {
				found = true
			}
		}
		if !found {
			t.Errorf("index has no stylesheet %s*.css: %v", name, refs)
		}
	}

	head := get(t, h, http.MethodHead, "/", nil)
	if head.StatusCode != http.StatusOK || body(t, head) != "" {
		t.Errorf("HEAD /: status %d, want 200 and no body", head.StatusCode)
	}
}

func TestEndpointEscaped(t *testing.T) {
	evil := `/graphql"></div><script>alert(1)</script>`
	html := body(t, get(t, Handler(evil), http.MethodGet, "/", nil))
	if strings.Contains(html, evil) || strings.Contains(html, "<script>alert") {
		t.Errorf("endpoint not escaped:\n%s", html)
	}
	if !strings.Contains(html, `data-endpoint="/graphql&#34;&gt;&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`) {
		t.Errorf("escaped endpoint not found:\n%s", html)
	}
}

func TestAbsoluteEndpointCSP(t *testing.T) {
	resp := get(t, Handler("https://api.example.com:8443/graphql"), http.MethodGet, "/", nil)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.HasSuffix(csp, "connect-src 'self' https://api.example.com:8443") {
		t.Errorf("CSP %q: wrong connect-src", csp)
	}
	for _, bad := range []string{"", "javascript:alert(1)", "http://a b/"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handler(%q) did not panic", bad)
				}
			}()
			Handler(bad)
		}()
	}
}

func TestAssets(t *testing.T) {
	h := Handler("/graphql")
	html := body(t, get(t, h, http.MethodGet, "/", nil))
	base, _ := url.Parse("http://example.com/")
	for ref, tag := range indexRefs(t, html) {
		u, err := base.Parse(ref)
		if err != nil {
			t.Fatalf("bad reference %q: %v", ref, err)
		}
		if u.Host != base.Host || !strings.HasPrefix(u.Path, AssetPrefix) {
			t.Errorf("reference %q is not under %s of this server", ref, AssetPrefix)
			continue
		}
		resp := get(t, h, http.MethodGet, u.Path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", u.Path, resp.StatusCode)
			continue
		}
		want := map[string]string{"script": "text/javascript; charset=utf-8", "link": "text/css; charset=utf-8"}[tag]
		if ct := resp.Header.Get("Content-Type"); ct != want {
			t.Errorf("GET %s: Content-Type %q, want %q", u.Path, ct, want)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("GET %s: Cache-Control %q", u.Path, cc)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", u.Path)
		}
		content := body(t, resp)
		if len(content) < 100 {
			t.Errorf("GET %s: body too small", u.Path)
		}
		etag := resp.Header.Get("ETag")
		if sum := sha256.Sum256([]byte(content)); etag != `"`+hex.EncodeToString(sum[:16])+`"` {
			t.Errorf("GET %s: ETag %s is not the hash of the %d bytes served", u.Path, etag, len(content))
			continue
		}
		if part := get(t, h, http.MethodGet, u.Path, map[string]string{"Range": "bytes=10-19"}); part.StatusCode != http.StatusPartialContent ||
			body(t, part) != content[10:20] {
			t.Errorf("GET %s with Range: status %d or wrong bytes", u.Path, part.StatusCode)
		}
		if resp := get(t, h, http.MethodGet, u.Path, map[string]string{"If-None-Match": etag}); resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s If-None-Match: status %d, want 304", u.Path, resp.StatusCode)
		}
	}
	for _, pkg := range []string{"graphiql", "react", "react-dom"} {
		resp := get(t, h, http.MethodGet, AssetPrefix+"licenses/"+pkg+".txt", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body(t, resp), "MIT License") {
			t.Errorf("license of %s: status %d or not MIT", pkg, resp.StatusCode)
		}
	}
}

func TestUnknownPath(t *testing.T) {
	h := Handler("/graphql")
	for _, p := range []string{"/index.html", "/graphiql/", "/graphiql/graphiql.min.js", "/graphiql/../assets/page.js", "/assets/page.js", "/nope"} {
		if resp := get(t, h, http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := Handler("/graphql")
	html := body(t, get(t, h, http.MethodGet, "/", nil))
	var asset string
	for ref := range indexRefs(t, html) {
		asset = "/" + ref
		break
	}
	for _, p := range []string{"/", asset} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			resp := get(t, h, m, p, nil)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", m, p, resp.StatusCode)
			}
			if allow := resp.Header.Get("Allow"); allow != "GET, HEAD" {
				t.Errorf("%s %s: Allow %q", m, p, allow)
			}
		}
	}
}

func TestStripPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/ui/", http.StripPrefix("/ui", Handler("/graphql")))
	html := body(t, get(t, mux, http.MethodGet, "/ui/", nil))
	base, _ := url.Parse("http://example.com/ui/")
	for ref := range indexRefs(t, html) {
		u, _ := base.Parse(ref)
		if resp := get(t, mux, http.MethodGet, u.Path, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s under /ui/: status %d", u.Path, resp.StatusCode)
		}
	}
}
