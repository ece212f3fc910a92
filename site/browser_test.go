package site

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// screenshotDir is where TestChromium keeps its screenshots besides the
// test's temporary directory: go test ./site -run Chromium -screenshots
// testdata/screenshots refreshes the committed ones (review them by eye).
var screenshotDir = flag.String("screenshots", "", "also write the Chromium screenshots to this directory")

// chromiumPath finds the browser: $CHROMIUM, else chromium (Debian's
// package) or chromium-browser on $PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI=true requires the browser tests (.ci/run installs Debian's chromium package)")
	}
	t.Skip("chromium is not installed (apt-get install chromium, or set $CHROMIUM); skipping the browser tests")
	return ""
}

// browser starts headless Chromium with the flags this machine needs (no
// sandbox as root, no background networking on a closed network) and a
// fresh profile; it records uncaught JavaScript exceptions.
func browser(t *testing.T, width, height int) (context.Context, *[]string) {
	exe := chromiumPath(t)
	// Not t.TempDir: Chromium's helper processes may still write into the
	// profile for a moment after the browser exits, which would fail the
	// test's cleanup; remove it with retries instead.
	profile, err := os.MkdirTemp("", "pkgaudit-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("force-prefers-reduced-motion", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	var mu sync.Mutex
	var exceptions []string
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			exceptions = append(exceptions, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
	return bctx, &exceptions
}

// screenshot takes a PNG of the viewport, checks that it decodes, has the
// viewport's size and is not blank, and keeps it.
func screenshot(t *testing.T, ctx context.Context, name string, width, height int) {
	t.Helper()
	data, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: not a PNG: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("%s: %dx%d, want %dx%d", name, b.Dx(), b.Dy(), width, height)
	}
	if ink := inkRatio(img); ink < 0.02 {
		t.Errorf("%s: only %.2f%% of the pixels are not white: a blank page?", name, ink*100)
	}
	dirs := []string{t.TempDir()}
	if *screenshotDir != "" {
		dirs = append(dirs, *screenshotDir)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
	}
}

// inkRatio is the share of pixels that are not (nearly) white.
func inkRatio(img image.Image) float64 {
	b := img.Bounds()
	var ink, all int
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			all++
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(all)
}

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
	ctx, exceptions := browser(t, width, height)
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
		screenshot(t, ctx, "advisory.png", width, height)
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
		screenshot(t, ctx, "search.png", width, height)
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

	if len(*exceptions) > 0 {
		t.Errorf("JavaScript exceptions: %q", *exceptions)
	}
}

// At a phone's width (390 CSS pixels) no page of the site is wider than
// the screen: every page kind is loaded, the document's scroll width is
// compared with the viewport, and the elements that stick out are named.
func TestChromiumNarrow(t *testing.T) {
	const width, height = 390, 844
	ctx, exceptions := browser(t, width, height)
	dir, advisory, _, _ := browserSite(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	pkgPages, _ := filepath.Glob(filepath.Join(dir, "pkg-openssl*.html"))
	if len(pkgPages) == 0 {
		pkgPages, _ = filepath.Glob(filepath.Join(dir, "packages", "*.html"))
	}
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
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const w = document.documentElement.clientWidth, out = [];
			if (document.documentElement.scrollWidth <= w) return out;
			for (const e of document.querySelectorAll("body *")) {
				const r = e.getBoundingClientRect();
				if (r.right > w + 1 && r.width > 0) {
					out.push(e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " right=" + Math.round(r.right));
					if (out.length >= 8) break;
				}
			}
			return out.length ? out : ["scrollWidth " + document.documentElement.scrollWidth];
		})()`))
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if len(wide) > 0 {
			t.Errorf("%s overflows a %d px viewport: %s", page, width, strings.Join(wide, "; "))
		}
		screenshot(t, ctx, "narrow-"+strings.ReplaceAll(strings.TrimSuffix(page, ".html"), "/", "-")+".png", width, height)
	}
	if len(*exceptions) > 0 {
		t.Errorf("JavaScript exceptions: %q", *exceptions)
	}
}
