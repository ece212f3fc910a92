package dashboard_test

import (
	"context"
	"flag"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
	"github.com/pkgaudit/pkgaudit/internal/browsertest"
)

// go test ./fleet/dashboard -run Chromium -screenshots DIR also writes the
// screenshots to DIR (docs/images/fleet-overview.png is the desktop
// overview).
var screenshotDir = flag.String("screenshots", "", "also write the Chromium screenshots to this directory")

func longTest(t *testing.T) {
	if os.Getenv("PKGAUDIT_LONG") == "" && os.Getenv("CI") != "true" {
		t.Skip("set PKGAUDIT_LONG=1 to run the dashboard's Chromium tests")
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func number(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := strconv.Atoi(text(t, ctx, sel))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return n
}

func login(t *testing.T, ctx context.Context, base, token string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("form.login button")),
		chromedp.WaitVisible(chromedp.CSS("#vulnerable-hosts")))
	if err != nil {
		t.Fatalf("login: %v", err)
	}
}

// TestChromiumDashboard drives the dashboard as a person: login,
// overview, a host, one of its advisories, accepting the risk and seeing
// the counts change, a filter; at desktop width.
func TestChromiumDashboard(t *testing.T) {
	longTest(t)
	const width, height = 1280, 900
	f := newFixture(t, storetest.SQLite(t))
	ctx, exceptions := browsertest.Browser(t, width, height)
	login(t, ctx, f.ts.URL, f.admin)
	if v := number(t, ctx, "#vulnerable-hosts"); v != 2 {
		t.Errorf("%d vulnerable hosts, want 2", v)
	}
	open, accepted := number(t, ctx, "#open-findings"), number(t, ctx, "#accepted-findings")
	if open == 0 || accepted != 0 {
		t.Errorf("%d open, %d accepted", open, accepted)
	}
	// The stylesheet applied: the header bar is the site's.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
	if err != nil || bg != "rgb(36, 41, 47)" {
		t.Errorf("header background %q (%v)", bg, err)
	}
	browsertest.Screenshot(t, ctx, "fleet-overview.png", width, height, *screenshotDir)

	// Overview → host → advisory.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`ul.hostlist a[href="/hosts/web1"]`)), chromedp.WaitVisible(chromedp.CSS("table.findings"))); err != nil {
		t.Fatal(err)
	}
	if h := text(t, ctx, "h1"); h != "web1" {
		t.Errorf("host page title %q", h)
	}
	browsertest.Screenshot(t, ctx, "fleet-host.png", width, height, *screenshotDir)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.findings a[href^="/advisory"]`)), chromedp.WaitVisible(chromedp.CSS("#affected-hosts"))); err != nil {
		t.Fatal(err)
	}
	affected := number(t, ctx, "#affected-hosts")
	if affected < 1 {
		t.Errorf("advisory affects %d hosts", affected)
	}
	browsertest.Screenshot(t, ctx, "fleet-advisory.png", width, height, *screenshotDir)

	// Accept the risk fleet-wide from the advisory page.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href^="/exceptions?advisory="]`)),
		chromedp.WaitVisible(chromedp.CSS("#reason")),
		chromedp.SendKeys(chromedp.CSS("#reason"), "not reachable on our hosts"),
		chromedp.SetValue(chromedp.CSS("#expires"), time.Now().AddDate(0, 1, 0).Format("2006-01-02")),
		chromedp.Click(chromedp.CSS("form.exception button")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")))
	if err != nil {
		t.Fatal(err)
	}
	if n := number(t, ctx, "#active-count"); n != 1 {
		t.Errorf("%d exceptions in force, want 1", n)
	}
	browsertest.Screenshot(t, ctx, "fleet-exceptions.png", width, height, *screenshotDir)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#accepted-findings"))); err != nil {
		t.Fatal(err)
	}
	open2, accepted2 := number(t, ctx, "#open-findings"), number(t, ctx, "#accepted-findings")
	if accepted2 < affected || open2 != open-accepted2 {
		t.Errorf("after accepting: %d open, %d accepted (before %d open; the advisory affected %d hosts)", open2, accepted2, open, affected)
	}

	// A filter: hosts tagged db.
	err = chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/hosts"),
		chromedp.WaitVisible(chromedp.CSS("#host-count")),
		chromedp.SetValue(chromedp.CSS(`select[name="tag"]`), "db"),
		chromedp.Click(chromedp.CSS("form.filters button")))
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		if strings.Contains(loc, "tag=db") {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#host-count"))); err != nil {
		t.Fatal(err)
	}
	if c := text(t, ctx, "#host-count"); c != "1 hosts" {
		t.Errorf("tag=db: %q", c)
	}
	names, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.hosts tbody a"), a => a.textContent)`))
	if len(names) != 1 || names[0] != "db1" {
		t.Errorf("tag=db lists %q", names)
	}
	if ex := exceptions.List(); len(ex) > 0 {
		t.Errorf("JavaScript exceptions: %q", ex)
	}
}

// TestChromiumNarrow loads every page at 390 px and checks that nothing
// sticks out of the viewport.
func TestChromiumNarrow(t *testing.T) {
	longTest(t)
	const width, height = 390, 844
	f := newFixture(t, storetest.SQLite(t))
	ctx, _ := browsertest.Browser(t, width, height)
	login(t, ctx, f.ts.URL, f.admin)
	fs, _ := f.st.HostFindings(t.Context(), "web1", false)
	pages := []string{"/", "/hosts", "/hosts/web1", "/advisory?id=" + url.QueryEscape(fs[0].AdvisoryID), "/packages", "/packages/curl", "/exceptions", "/hosts/nope"}
	for _, p := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+p), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		wide, err := browsertest.Overflow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) > 0 {
			t.Errorf("%s overflows a %d px viewport: %s", p, width, strings.Join(wide, "; "))
		}
		name := strings.NewReplacer("/", "-", "?", "-", "=", "-", "%", "").Replace(strings.Trim(p, "/"))
		if name == "" {
			name = "overview"
		}
		browsertest.Screenshot(t, ctx, "fleet-narrow-"+name[:min(len(name), 40)]+".png", width, height, *screenshotDir)
	}
	// The login page too.
	ctx2, _ := browsertest.Browser(t, width, height)
	if err := chromedp.Do(ctx2, chromedp.Navigate(f.ts.URL+"/login"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	if wide, _ := browsertest.Overflow(ctx2); len(wide) > 0 {
		t.Errorf("/login overflows: %s", strings.Join(wide, "; "))
	}
}
