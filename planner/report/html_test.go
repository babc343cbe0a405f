package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// externalRefs returns what in page could load or run something: script
// elements and other embedders, event-handler attributes, src/href and
// similar attributes that are not data: URLs or #fragments, and url() or
// @import in styles. The page is read with encoding/xml in its lenient
// HTML mode.
func externalRefs(page []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	var found []string
	inStyle := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return found, nil
		}
		if err != nil {
			return found, fmt.Errorf("parsing the page: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			found = append(found, elementRefs(tok)...)
			inStyle = strings.EqualFold(tok.Name.Local, "style")
		case xml.EndElement:
			inStyle = false
		case xml.CharData:
			if inStyle {
				found = append(found, styleRefs("<style>", string(tok))...)
			}
		}
	}
}

// embedders are elements that load or run content.
var embedders = map[string]bool{"script": true, "iframe": true, "frame": true, "object": true, "embed": true,
	"base": true, "audio": true, "video": true, "source": true, "applet": true, "noscript": true}

// urlAttrs are attributes whose values are fetched or followed.
var urlAttrs = map[string]bool{"src": true, "href": true, "action": true, "formaction": true, "poster": true,
	"data": true, "srcset": true, "background": true, "codebase": true, "cite": true}

func elementRefs(e xml.StartElement) []string {
	var found []string
	name := strings.ToLower(e.Name.Local)
	if embedders[name] {
		found = append(found, "<"+name+"> element")
	}
	for _, a := range e.Attr {
		attr, v := strings.ToLower(a.Name.Local), strings.TrimSpace(a.Value)
		switch {
		case strings.HasPrefix(attr, "on"):
			found = append(found, fmt.Sprintf("<%s %s> event handler", name, attr))
		case urlAttrs[attr] && !localURL(v):
			found = append(found, fmt.Sprintf("<%s %s=%q>", name, attr, v))
		case attr == "style":
			found = append(found, styleRefs("<"+name+" style>", v)...)
		case strings.Contains(strings.ToLower(v), "javascript:"):
			found = append(found, fmt.Sprintf("<%s %s=%q>", name, attr, v))
		}
	}
	return found
}

// localURL reports whether a URL attribute loads nothing: empty, a
// fragment or a data: URL.
func localURL(v string) bool {
	v = strings.ToLower(v)
	return v == "" || strings.HasPrefix(v, "#") || strings.HasPrefix(v, "data:")
}

// styleRefs finds url() and @import in CSS.
func styleRefs(where, css string) []string {
	var found []string
	lower := strings.ToLower(css)
	if strings.Contains(lower, "@import") {
		found = append(found, where+" @import")
	}
	for rest := lower; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			break
		}
		rest = rest[i+4:]
		if arg := strings.Trim(strings.TrimSpace(rest), `"'`); !strings.HasPrefix(arg, "data:") && !strings.HasPrefix(arg, "#") {
			found = append(found, where+" url("+strings.SplitN(rest, ")", 2)[0]+")")
		}
	}
	return found
}

// TestExternalRefs checks the checker: each planted reference is found.
func TestExternalRefs(t *testing.T) {
	bad := []string{
		`<script>alert(1)</script>`,
		`<script src="https://cdn.example.com/chart.js"></script>`,
		`<link rel="stylesheet" href="https://fonts.example.com/css"/>`,
		`<img src="http://example.com/logo.png"/>`,
		`<img src="//example.com/logo.png"/>`,
		`<a href="https://example.com">more</a>`,
		`<p onclick="x()">hi</p>`,
		`<style>@import "x.css";</style>`,
		`<style>body { background: url(https://example.com/bg.png) }</style>`,
		`<p style="background: url('http://example.com/a.png')">x</p>`,
		`<iframe src="data:text/html,x"></iframe>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/a.png"/></svg>`,
		`<a href="javascript:alert(1)">x</a>`,
	}
	for _, b := range bad {
		page := "<!DOCTYPE html><html><head><title>t</title></head><body>" + b + "</body></html>"
		found, err := externalRefs([]byte(page))
		if err != nil || len(found) == 0 {
			t.Errorf("externalRefs(%s) = %v, %v; want it found", b, found, err)
		}
	}
	good := `<!DOCTYPE html><html><head><link rel="icon" href="data:,"/><style>p { color: red }</style></head>` +
		`<body><svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(#g)"/></svg><a href="#top">top</a></body></html>`
	if found, err := externalRefs([]byte(good)); err != nil || len(found) > 0 {
		t.Errorf("externalRefs(self-contained page) = %v, %v; want nothing", found, err)
	}
}

// TestReportHTMLSelfContained checks that no report page loads or runs
// anything.
func TestReportHTMLSelfContained(t *testing.T) {
	for _, fx := range reportFixtures {
		var buf bytes.Buffer
		if err := Write(&buf, "html", fx.report(), 0); err != nil {
			t.Fatal(err)
		}
		found, err := externalRefs(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		if len(found) > 0 {
			t.Errorf("%s: the HTML report refers to outside content: %v", fx.name, found)
		}
		if n := strings.Count(strings.ToLower(buf.String()), "<script"); n > 0 {
			t.Errorf("%s: the HTML report holds %d <script", fx.name, n)
		}
	}
}

// TestReportHTMLEscapes checks that text from the report is escaped.
func TestReportHTMLEscapes(t *testing.T) {
	r := sampleReport()
	r.Hardware.Description = `<script>alert("hw")</script>`
	r.Routes[0].CloudModel = `<img src=x onerror=alert(1)>`
	r.Notes = []string{`</pre><script>alert(2)</script>`}
	var buf bytes.Buffer
	if err := Write(&buf, "html", r, 0); err != nil {
		t.Fatal(err)
	}
	if found, err := externalRefs(buf.Bytes()); err != nil || len(found) > 0 {
		t.Errorf("report with markup in its text: externalRefs = %v, %v; want the text escaped", found, err)
	}
	if !strings.Contains(buf.String(), "&lt;script&gt;") {
		t.Errorf("the hardware description is not shown escaped")
	}
}

// chromium returns the path of Debian's chromium. When it is missing the
// test fails with PLAN_REQUIRE_OLLAMA=1 (as make test sets, requiring
// every external tool the tests use) and is skipped otherwise.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const why = "chromium is not installed (scripts/install-deps.sh installs it with apt-get)"
	if os.Getenv("PLAN_REQUIRE_OLLAMA") == "1" {
		t.Fatalf("headless browser required (PLAN_REQUIRE_OLLAMA=1) but unavailable: %s", why)
	}
	t.Skipf("skipping: %s; set PLAN_REQUIRE_OLLAMA=1 to fail instead", why)
	return ""
}

// browse opens page in headless chromium with logging on and returns the
// DOM it dumps and the console lines of its log.
func browse(t *testing.T, page []byte) (dom string, console []string) {
	t.Helper()
	bin := chromium(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-extensions",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=1",
		"--dump-dom", "file://"+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s on %s: %v\n%s", bin, path, err, lastLines(stderr.String(), 20))
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return stdout.String(), console
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestBrowserConsoleCheck checks the console check itself: a page that
// logs an error and a warning shows both.
func TestBrowserConsoleCheck(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p>` +
		`<script>console.error("planted error"); console.warn("planted warning");</script></body></html>`
	_, console := browse(t, []byte(page))
	joined := strings.Join(console, "\n")
	if !strings.Contains(joined, "planted error") || !strings.Contains(joined, "planted warning") {
		t.Errorf("console lines = %q; want the planted error and warning", console)
	}
}

// TestReportHTMLInBrowser renders reports in headless chromium: they must
// load without console messages and show the headline, the charts and, on
// example data, the warning.
func TestReportHTMLInBrowser(t *testing.T) {
	for _, fx := range reportFixtures[:2] {
		t.Run(fx.name, func(t *testing.T) {
			r := fx.report()
			var buf bytes.Buffer
			if err := Write(&buf, "html", r, 0); err != nil {
				t.Fatal(err)
			}
			dom, console := browse(t, buf.Bytes())
			if len(console) > 0 {
				t.Errorf("the browser console shows:\n%s", strings.Join(console, "\n"))
			}
			escape := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
			if headline := escape(reportHeadline(r)); !strings.Contains(dom, headline) {
				t.Errorf("the rendered page does not show the headline %q", headline)
			}
			if got := strings.Contains(dom, escape(exampleDataWarning)); got != r.ExampleData {
				t.Errorf("the rendered page shows the example-data warning: %v; want %v", got, r.ExampleData)
			}
			charts, _ := reportCharts(r)
			if n := strings.Count(dom, "<svg"); n != len(charts) || n < 4 {
				t.Errorf("the rendered page holds %d <svg> charts; want %d", n, len(charts))
			}
			for _, title := range []string{"Cumulative cost of the moved traffic", "Monthly spend by cloud model", "Share routed local", "Latency at the busiest hour"} {
				if !strings.Contains(dom, "<title>"+title+"</title>") {
					t.Errorf("the rendered page has no chart titled %q", title)
				}
			}
		})
	}
}
