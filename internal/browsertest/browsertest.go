// Package browsertest runs headless Chromium (Debian's chromium package)
// for tests through chromedp: start a browser at a window size, take and
// check screenshots, and find what sticks out of a narrow viewport. The
// advisory site's and the fleet dashboard's browser tests use it.
package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath finds the browser: $CHROMIUM, else chromium or
// chromium-browser on $PATH. Without one the test is skipped, or fails
// under CI=true.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	for _, c := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI=true requires the browser tests")
	}
	t.Skip("chromium is not installed (apt-get install chromium, or set $CHROMIUM)")
	return ""
}

// Browser starts headless Chromium with a window of width×height and
// returns its context and the JavaScript exceptions it reports.
func Browser(t testing.TB, width, height int) (context.Context, *Exceptions) {
	exe := ChromiumPath(t)
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
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	ex := &Exceptions{}
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			ex.mu.Lock()
			ex.list = append(ex.list, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
			ex.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
	return bctx, ex
}

// Exceptions collects a page's uncaught JavaScript exceptions.
type Exceptions struct {
	mu   sync.Mutex
	list []string
}

// List returns them.
func (e *Exceptions) List() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.list...)
}

// Screenshot captures the viewport as a PNG, checks its size and that it
// is not blank, writes it to the test's directory and, when dir is not
// empty, to dir; it returns the PNG.
func Screenshot(t testing.TB, ctx context.Context, name string, width, height int, dir string) []byte {
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
	if ink := InkRatio(img); ink < 0.02 {
		t.Errorf("%s: only %.2f%% of the pixels are not white: a blank page?", name, ink*100)
	}
	dirs := []string{t.TempDir()}
	if dir != "" {
		dirs = append(dirs, dir)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
	}
	return data
}

// InkRatio is the share of pixels that are not (nearly) white.
func InkRatio(img image.Image) float64 {
	b := img.Bounds()
	ink, all := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
			all++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(ink) / float64(all)
}

// overflowJS names the elements reaching past the viewport's right edge
// when the document is wider than the viewport.
const overflowJS = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	if (document.documentElement.scrollWidth <= w) return out;
	for (const e of document.querySelectorAll("body *")) {
		const r = e.getBoundingClientRect();
		if (r.right > w + 1 && r.width > 0) {
			out.push(e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className : "") + " right=" + Math.round(r.right));
			if (out.length >= 8) break;
		}
	}
	return out.length ? out : ["scrollWidth " + document.documentElement.scrollWidth];
})()`

// Overflow lists what makes the current page wider than the viewport
// (nothing when it fits).
func Overflow(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](overflowJS))
}
