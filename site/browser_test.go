package site

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pkgaudit/pkgaudit/internal/browsertest"
)

// screenshotDir is where TestChromium keeps its screenshots besides the
// test's temporary directory: go test ./site -run Chromium -screenshots
// testdata/screenshots refreshes the committed ones (review them by eye).
var screenshotDir = flag.String("screenshots", "", "also write the Chromium screenshots to this directory")

// browserSite writes the site the browser tests look at.
func browserSite(t *testing.T) (dir string, advisory, query, want string) {
	dir = filepath.Join(t.TempDir(), "site")
	s, advisory, query, want := realSite(t)
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, advisory, query, want
}

func TestChromium(t *testing.T) {
	const width, height = 1280, 1000
	ctx, exceptions := browsertest.Browser(t, width, height)
	dir, advisory, query, want := browserSite(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	t.Run("advisory", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+advisory), chromedp.WaitVisible(chromedp.CSS("h1.title"))); err != nil {
			t.Fatal(err)
		}
		// The stylesheet applied: the header bar is dark.
		bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
		if err != nil || bg != "rgb(36, 41, 47)" {
			t.Errorf("header background %q (%v): style.css not applied?", bg, err)
		}
		browsertest.Screenshot(t, ctx, "advisory.png", width, height, *screenshotDir)
	})

	search := func(t *testing.T, base, query string) []string {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/search.html"),
			chromedp.WaitReady(chromedp.CSS(`html[data-search-ready="true"]`)),
			chromedp.SendKeys(chromedp.ID("q"), query),
			chromedp.WaitVisible(chromedp.CSS("#results li a.title")),
		)
		if err != nil {
			t.Fatal(err)
		}
		// Typing is debounced: wait for the list of the whole query.
		var titles []string
		for range 200 {
			titles, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results li a.title"), a => a.textContent)`))
			if err != nil {
				t.Fatal(err)
			}
			status, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("status")))
			if strings.Contains(status, query) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		return titles
	}

	t.Run("search", func(t *testing.T) {
		titles := search(t, srv.URL, query)
		if len(titles) == 0 || titles[0] != want {
			t.Errorf("query %q: results %q, want %q first", query, titles, want)
		}
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#results li a.title").getAttribute("href")`))
		if err != nil || href != advisory {
			t.Errorf("first result links %q (%v), want %q", href, err, advisory)
		}
		// A package name finds every advisory of the package.
		titles = search(t, srv.URL, "openssl")
		if !slices.Contains(titles, want) || len(titles) < 2 {
			t.Errorf("query openssl: results %q, want %q among several", titles, want)
		}
		browsertest.Screenshot(t, ctx, "search.png", width, height, *screenshotDir)
		// The query went into the address, so the result can be linked.
		loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
		if !strings.Contains(loc, "q=") {
			t.Errorf("location.search %q", loc)
		}
	})

	t.Run("search from file://", func(t *testing.T) {
		titles := search(t, "file://"+filepath.ToSlash(dir), query)
		if len(titles) == 0 || titles[0] != want {
			t.Errorf("query %q from file://: results %q, want %q first", query, titles, want)
		}
	})

	t.Run("search from the address", func(t *testing.T) {
		err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/search.html?q=zzzznomatch"),
			chromedp.WaitReady(chromedp.CSS(`html[data-search-ready="true"]`)))
		if err != nil {
			t.Fatal(err)
		}
		status, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("status")))
		if err != nil || !strings.Contains(status, "No advisory matches") {
			t.Errorf("status %q (%v)", status, err)
		}
	})

	if len(exceptions.List()) > 0 {
		t.Errorf("JavaScript exceptions: %q", exceptions.List())
	}
}

// At a phone's width (390 CSS pixels) no page of the site is wider than
// the screen: every page kind is loaded, the document's scroll width is
// compared with the viewport, and the elements that stick out are named.
func TestChromiumNarrow(t *testing.T) {
	const width, height = 390, 844
	ctx, exceptions := browsertest.Browser(t, width, height)
	dir, advisory, _, _ := browserSite(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	pkgPages, _ := filepath.Glob(filepath.Join(dir, "pkg-openssl*.html"))
	pages := []string{"index.html", "packages.html", "cves.html", "search.html", "about.html", advisory}
	if len(pkgPages) > 0 {
		rel, _ := filepath.Rel(dir, pkgPages[0])
		pages = append(pages, filepath.ToSlash(rel))
	}
	for _, page := range pages {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(page))); err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+page), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		wide, err := browsertest.Overflow(ctx)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if len(wide) > 0 {
			t.Errorf("%s overflows a %d px viewport: %s", page, width, strings.Join(wide, "; "))
		}
		browsertest.Screenshot(t, ctx, "narrow-"+strings.ReplaceAll(strings.TrimSuffix(page, ".html"), "/", "-")+".png", width, height, *screenshotDir)
	}
	if len(exceptions.List()) > 0 {
		t.Errorf("JavaScript exceptions: %q", exceptions.List())
	}
}
