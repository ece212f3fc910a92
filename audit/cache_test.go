package audit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
	"github.com/pkgaudit/pkgaudit/internal/workload"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// pkgsrcCopy writes a copy of the real pkg-vulnerabilities file into dir.
func pkgsrcCopy(t testing.TB, dir string) string {
	data, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "pkg-vulnerabilities")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// probeQueries are package names of the real pkgsrc file, vulnerable or
// not.
var probeQueries = []string{"GraphicsMagick-1.1.6", "ImageMagick-6.0.99", "openssl-0.9.8", "php-5.2.1", "firefox-3.6",
	"mysql-server-5.0.1", "nosuch-1.0", "perl-5.8.8", "ap22-perl-2.0.2", "apache-2.2.3", "zlib-1.2.1", "bash"}

// sameResults checks that two indexes find the same things.
func sameResults(t *testing.T, got, want *Index) {
	t.Helper()
	if got.Len() != want.Len() {
		t.Fatalf("Len %d, want %d", got.Len(), want.Len())
	}
	for _, n := range probeQueries {
		q := splitOperand(n)
		g, w := got.Lookup(nil, q), want.Lookup(nil, q)
		if len(g) != len(w) {
			t.Fatalf("%s: %d findings, want %d", n, len(g), len(w))
		}
		for i := range g {
			if g[i].Affected != w[i].Affected || g[i].Name != w[i].Name || g[i].Range != w[i].Range || !reflect.DeepEqual(g[i].Advisory, w[i].Advisory) {
				t.Fatalf("%s: finding %d: %+v, want %+v", n, i, g[i], w[i])
			}
		}
	}
}

func cached(ix *Index) bool { return ix.cached }

func TestCacheHitMissInvalidate(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	opts := OpenOptions{CacheDir: cache}
	want, wantInfos, err := Open([]string{db}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ix, infos, err := Open([]string{db}, opts)
	if err != nil || cached(ix) {
		t.Fatalf("first open: cached %v, %v", cached(ix), err)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*.idx"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	ix, infos, err = Open([]string{db}, opts)
	if err != nil || !cached(ix) {
		t.Fatalf("second open: cached %v, %v", cached(ix), err)
	}
	sameResults(t, ix, want)
	if !reflect.DeepEqual(infos[0].Hash, wantInfos[0].Hash) || infos[0].Entries != wantInfos[0].Entries || infos[0].NetBSDID != wantInfos[0].NetBSDID ||
		infos[0].Format != feed.Pkgsrc || !infos[0].Signed || !infos[0].ModTime.Equal(wantInfos[0].ModTime) || infos[0].Path != db {
		t.Errorf("cached info %+v\nwant %+v", infos[0], wantInfos[0])
	}
	// Every advisory decodes to what was stored.
	for i := 0; i < want.Len(); i++ {
		if !reflect.DeepEqual(ix.Advisory(i), want.Advisory(i)) {
			t.Fatalf("advisory %d: %+v, want %+v", i, ix.Advisory(i), want.Advisory(i))
		}
	}

	// A new mtime with the same content: still a hit (by SHA-256), and
	// the new FileID is stored.
	later := time.Now().Add(time.Hour)
	os.Chtimes(db, later, later)
	if ix, _, err = Open([]string{db}, opts); err != nil || !cached(ix) {
		t.Fatalf("touched: cached %v, %v", cached(ix), err)
	}
	id, _ := feed.StatID(db)
	if _, infos, _ = Open([]string{db}, opts); !infos[0].ID.Same(id) {
		t.Errorf("FileID not refreshed: %+v, file %+v", infos[0].ID, id)
	}

	// New content: a miss, then a hit for the new content; then the old
	// content again.
	data, _ := os.ReadFile(db)
	os.WriteFile(db, []byte("# $NetBSD$\n#FORMAT 1.1.0\n#\nnewpkg<2\tdos\thttp://x/1\n"), 0o644)
	for run := range 2 {
		ix, _, err = Open([]string{db}, opts)
		if err != nil || cached(ix) != (run == 1) || ix.Len() != 1 || len(ix.Lookup(nil, splitOperand("newpkg-1"))) != 1 {
			t.Fatalf("new content, run %d: cached %v, %d advisories, %v", run, cached(ix), ix.Len(), err)
		}
	}
	os.WriteFile(db, data, 0o644)
	if ix, _, err = Open([]string{db}, opts); err != nil || cached(ix) {
		t.Fatalf("old content: cached %v, %v", cached(ix), err)
	}
	sameResults(t, ix, want)
}

func TestCacheFollowsContent(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "src")
	cache := filepath.Join(dir, "cache")
	opts := OpenOptions{CacheDir: cache, Feed: feed.Options{PkgsrcSourceList: true}}
	for i, ver := range []string{"2", "3", "30", "4"} {
		os.WriteFile(db, []byte("# $NetBSD$\n#\n#FORMAT 1.0.0\n#\nnewpkg<"+ver+"\tdos\thttp://x/"+ver+"\n"), 0o644)
		for run := 0; run < 2; run++ {
			ix, _, err := Open([]string{db}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if cached(ix) != (run == 1) {
				t.Errorf("version %s run %d: cached %v", ver, run, cached(ix))
			}
			fs := ix.Lookup(nil, Query{Name: "newpkg", Version: "2.5", HasVersion: true})
			if want := i > 0; (len(fs) == 1) != want || want && fs[0].Advisory.URL != "http://x/"+ver {
				t.Errorf("version %s run %d: %v", ver, run, show(fs))
			}
		}
	}
}

// A cache of one build or option set is not used by another.
func TestCacheKeyedByBuildAndOptions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cache.idx")
	ix := NewIndex(fixture(), Options{})
	dbs := []*feed.DatabaseInfo{{File: feed.File{Path: "none"}}}
	data, err := encodeIndex(ix, dbs, "build-1", "fp")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data, 0o644)
	if _, _, err := readCache(path, []string{"none"}, "build-2", "fp"); err != errStale {
		t.Errorf("other build: %v", err)
	}
	if _, _, err := readCache(path, []string{"none"}, "build-1", "fp2"); err != errStale {
		t.Errorf("other options: %v", err)
	}
	a, _ := fingerprint(OpenOptions{})
	b, _ := fingerprint(OpenOptions{Index: Options{ReportWithdrawn: true}})
	if a == b {
		t.Error("ReportWithdrawn not in the fingerprint")
	}
}

// Every truncation and many corruptions of a cache file are detected; the
// next Open rebuilds it and gives the right results.
func TestCacheCorrupt(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	opts := OpenOptions{CacheDir: cache}
	want, _, err := Open([]string{db}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	Open([]string{db}, opts)
	files, _ := filepath.Glob(filepath.Join(cache, "*.idx"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	good, _ := os.ReadFile(files[0])
	var bad [][]byte
	for _, n := range []int{0, 1, 7, 8, 16, 100, len(good) / 2, len(good) - 5, len(good) - 1} {
		bad = append(bad, good[:n])
	}
	for _, pos := range []int{0, 9, 13, 20, 200, len(good) / 3, len(good) / 2, len(good) - 100, len(good) - 2} {
		b := append([]byte(nil), good...)
		b[pos] ^= 0x40
		bad = append(bad, b)
	}
	bad = append(bad, append(append([]byte(nil), good...), 0))
	for i, b := range bad {
		os.WriteFile(files[0], b, 0o644)
		ix, _, err := Open([]string{db}, opts)
		if err != nil || cached(ix) {
			t.Fatalf("corruption %d: cached %v, %v", i, cached(ix), err)
		}
		sameResults(t, ix, want)
		if ix, _, err = Open([]string{db}, opts); err != nil || !cached(ix) {
			t.Fatalf("corruption %d: not rebuilt: cached %v, %v", i, cached(ix), err)
		}
		sameResults(t, ix, want)
	}
}

// Many goroutines, then several processes, open the same databases
// through the same cache at once.
func TestCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	want, _, err := Open([]string{db}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 8 {
		wg.Go(func() {
			ix, _, err := Open([]string{db}, OpenOptions{CacheDir: cache})
			if err != nil {
				errs <- err
				return
			}
			if got, w := len(ix.Lookup(nil, splitOperand("ImageMagick-6.0.99"))), len(want.Lookup(nil, splitOperand("ImageMagick-6.0.99"))); got != w {
				errs <- fmt.Errorf("%d findings, want %d", got, w)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Processes: each rewrites the cache (a fresh directory per round)
	// while the others read it.
	for round := range 2 {
		cache := filepath.Join(dir, fmt.Sprintf("pcache%d", round))
		var cmds []*exec.Cmd
		for range 4 {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCacheHelperProcess$")
			cmd.Env = append(os.Environ(), "PKGAUDIT_CACHE_HELPER="+db+"|"+cache)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("helper process: %v", err)
			}
		}
		// The helpers' last runs removed the file: rebuild, then use it.
		Open([]string{db}, OpenOptions{CacheDir: cache})
		ix, _, err := Open([]string{db}, OpenOptions{CacheDir: cache})
		if err != nil || !cached(ix) {
			t.Fatalf("after processes: cached %v, %v", cached(ix), err)
		}
		sameResults(t, ix, want)
		if tmp, _ := filepath.Glob(filepath.Join(cache, ".*")); len(tmp) != 0 {
			t.Errorf("temporary files left: %v", tmp)
		}
	}
}

// TestCacheHelperProcess opens a database through a cache repeatedly,
// for TestCacheConcurrent.
func TestCacheHelperProcess(t *testing.T) {
	env := os.Getenv("PKGAUDIT_CACHE_HELPER")
	if env == "" {
		t.Skip("helper process")
	}
	db, cache, _ := strings.Cut(env, "|")
	for i := range 5 {
		ix, _, err := Open([]string{db}, OpenOptions{CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		if len(ix.Lookup(nil, splitOperand("ImageMagick-6.0.99"))) == 0 {
			t.Fatalf("run %d: nothing found", i)
		}
		if i%2 == 0 {
			// Make the next opener rebuild the file.
			files, _ := filepath.Glob(filepath.Join(cache, "*.idx"))
			for _, f := range files {
				os.Remove(f)
			}
		}
	}
}

// The fixture round-trips through a cache file: every look-up and every
// advisory, withdrawn ones, system blocks and malformed patterns included.
func TestCacheRoundTripFixture(t *testing.T) {
	advs := fixture()
	for i := range advs {
		advs[i].Origin.File = "fixture.xml"
		advs[i].References = []advisory.Reference{{Kind: "cvename", Value: "CVE-2020-0001"}}
		advs[i].CVEs = []string{"CVE-2020-0001"}
		advs[i].Dates = advisory.Dates{Discovery: "2020-01-01", Entry: "2020-01-02"}
	}
	want := NewIndex(advs, Options{})
	data, err := encodeIndex(want, []*feed.DatabaseInfo{{}}, "b", "f")
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeCacheFile(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range advs {
		if !reflect.DeepEqual(got.Advisory(i), want.Advisory(i)) {
			t.Errorf("advisory %d: %+v, want %+v", i, got.Advisory(i), want.Advisory(i))
		}
	}
	names := []string{"foo", "foo-devel", "fo", "bar", "eoo", "fo{o,x}", "FreeBSD", "tri", ""}
	for _, n := range names {
		for _, v := range []string{"", "1.0", "2.1", "14.1", "10"} {
			for _, q := range []Query{{Name: n, Version: v, HasVersion: true}, {Name: n}, {Name: n, Version: v, HasVersion: true, Base: true}} {
				if g, w := show(got.Lookup(nil, q)), show(want.Lookup(nil, q)); g != w {
					t.Errorf("%+v: cached %s, want %s", q, g, w)
				}
			}
		}
	}
	if len(got.Problems()) != 1 || got.Problems()[0].Advisory.ID != "p3" || got.Problems()[0].Err.Error() != want.Problems()[0].Err.Error() {
		t.Errorf("problems %+v", got.Problems())
	}
}

// A change to a year file that a wrapper pulls in invalidates the cache.
func TestCacheFollowsIncludes(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "vuln"), 0o755)
	year := filepath.Join(dir, "vuln", "2003.xml")
	data, err := os.ReadFile("../testdata/vuxml/vuln-2003.xml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(year, data, 0o644)
	path := filepath.Join(dir, "vuln.xml")
	os.WriteFile(path, []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE vuxml [\n<!ENTITY vuln-2003 SYSTEM \"vuln/2003.xml\">\n]>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n&vuln-2003;\n</vuxml>\n"), 0o644)
	opts := OpenOptions{CacheDir: filepath.Join(dir, "cache")}
	q := Query{Name: "FreeBSD", Version: "4.9", HasVersion: true}
	for run := range 2 {
		ix, infos, err := Open([]string{path}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if cached(ix) != (run == 1) || len(infos[0].Includes) != 1 || len(ix.Lookup(nil, q)) == 0 {
			t.Fatalf("run %d: cached %v, includes %v, %d findings", run, cached(ix), infos[0].Includes, len(ix.Lookup(nil, q)))
		}
	}
	os.WriteFile(year, []byte(strings.ReplaceAll(string(data), "<name>FreeBSD</name>", "<name>FreeBSX</name>")), 0o644)
	ix, _, err := Open([]string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if cached(ix) || len(ix.Lookup(nil, q)) != 0 {
		t.Errorf("after the year file changed: cached %v, %d findings", cached(ix), len(ix.Lookup(nil, q)))
	}
}

// A cache file truncated in place while an index maps it: look-ups still
// give the right answers (the index reads the databases again).
func TestCacheTruncatedWhileMapped(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	opts := OpenOptions{CacheDir: cache}
	want, _, err := Open([]string{db}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	Open([]string{db}, opts)
	ix, _, err := Open([]string{db}, opts)
	if err != nil || !cached(ix) {
		t.Fatalf("cached %v, %v", cached(ix), err)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*.idx"))
	if err := os.Truncate(files[0], 64); err != nil {
		t.Fatal(err)
	}
	sameResults(t, ix, want)
	if a := ix.Advisory(100); !reflect.DeepEqual(a, want.Advisory(100)) {
		t.Errorf("advisory 100: %+v", a)
	}
	if ix.mapped && ix.repl.Load() == nil {
		t.Error("no replacement index after the fault")
	}
}

// Look-ups on several goroutines decode the advisories of a cached index
// at once (into several slabs): each advisory is decoded once, and every
// goroutine finds what a look-up in the index of the advisories finds.
func TestCachedLookupConcurrentDecode(t *testing.T) {
	doc, ops := workload.Generate(workload.Config{Entries: 3000, Names: 800, Operands: 600, Seed: 3})
	d, err := vuxml.Parse(doc, vuxml.ParseOptions{FileName: "vuln.xml"})
	if err != nil {
		t.Fatal(err)
	}
	want := NewIndex(feed.FromVuXML(d), Options{})
	data, err := encodeIndex(want, []*feed.DatabaseInfo{{}}, "b", "f")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		got, err := decodeCacheFile(data)
		if err != nil {
			t.Fatal(err)
		}
		// results[g][k] are goroutine g's findings for ops[k]; the
		// goroutines go through the operands in different orders.
		results := make([][][]Finding, 4)
		var wg sync.WaitGroup
		for g := range results {
			results[g] = make([][]Finding, len(ops))
			wg.Go(func() {
				for j := range ops {
					k := (j + g*len(ops)/len(results)) % len(ops)
					if g%2 == 1 {
						k = len(ops) - 1 - k
					}
					results[g][k] = got.Lookup(nil, splitOperand(ops[k]))
				}
			})
		}
		wg.Wait()
		for k, op := range ops {
			w := want.Lookup(nil, splitOperand(op))
			for g := range results {
				fs := results[g][k]
				if len(fs) != len(w) {
					t.Fatalf("goroutine %d, %s: %d findings, want %d", g, op, len(fs), len(w))
				}
				for i := range fs {
					if fs[i].Affected != w[i].Affected || fs[i].Name != w[i].Name || fs[i].Range != w[i].Range || !reflect.DeepEqual(fs[i].Advisory, w[i].Advisory) {
						t.Fatalf("goroutine %d, %s: finding %d differs", g, op, i)
					}
					if fs[i].Advisory != results[0][k][i].Advisory {
						t.Fatalf("goroutine %d, %s: finding %d: the advisory was decoded twice", g, op, i)
					}
				}
			}
		}
	}
}

// With Brief, uncached and cached (cold and warm), every finding is the
// full one with its advisory as Brief allows, for the operands of the
// FreeBSD vectors; the cache written briefly still serves a full Open.
func TestOpenBrief(t *testing.T) {
	dir := t.TempDir()
	path := combinedVuXML(t, dir)
	ls, err := vectors.Read("../testdata/vectors/freebsd-audit.tsv")
	if err != nil {
		t.Fatal(err)
	}
	full, _, err := Open([]string{path}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	for _, c := range []struct {
		name string
		opts OpenOptions
	}{
		{"uncached", OpenOptions{Brief: true}},
		{"cold cache", OpenOptions{Brief: true, CacheDir: cache}},
		{"warm cache", OpenOptions{Brief: true, CacheDir: cache}},
		{"warm cache, whole", OpenOptions{CacheDir: cache}},
	} {
		ix, _, err := Open([]string{path}, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if cached(ix) != strings.HasPrefix(c.name, "warm") {
			t.Errorf("%s: cached %v", c.name, cached(ix))
		}
		n := 0
		for _, l := range ls {
			q := splitOperand(l.Fields[0])
			got, want := ix.Lookup(nil, q), full.Lookup(nil, q)
			if len(got) != len(want) {
				t.Fatalf("%s: %s: %d findings, want %d", c.name, l.Fields[0], len(got), len(want))
			}
			for i := range got {
				w := *want[i].Advisory
				if c.opts.Brief {
					w = briefAdvisory(want[i].Advisory)
				}
				if got[i].Affected != want[i].Affected || got[i].Name != want[i].Name || got[i].Range != want[i].Range || !equalAdvisory(got[i].Advisory, &w) {
					t.Fatalf("%s: %s: finding %d:\n got %+v\nwant %+v", c.name, l.Fields[0], i, *got[i].Advisory, w)
				}
				n++
			}
		}
		if n < 5000 {
			t.Errorf("%s: only %d findings", c.name, n)
		}
	}
}

// A directory of VuXML year files is cached and the cache follows it: a
// year file changed in place, one added, one removed.
func TestCacheFollowsYearDirectory(t *testing.T) {
	dir := t.TempDir()
	vuln := filepath.Join(dir, "vuln")
	os.MkdirAll(vuln, 0o755)
	data, err := os.ReadFile("../testdata/vuxml/vuln-2003.xml")
	if err != nil {
		t.Fatal(err)
	}
	year := filepath.Join(vuln, "2003.xml")
	os.WriteFile(year, data, 0o644)
	opts := OpenOptions{CacheDir: filepath.Join(dir, "cache")}
	q := Query{Name: "FreeBSD", Version: "4.9", HasVersion: true}
	open := func(run string, wantCached bool, wantFindings bool) {
		t.Helper()
		ix, infos, err := Open([]string{vuln}, opts)
		if err != nil {
			t.Fatalf("%s: %v", run, err)
		}
		if cached(ix) != wantCached || infos[0].Format != feed.VuXML || (len(ix.Lookup(nil, q)) > 0) != wantFindings {
			t.Fatalf("%s: cached %v, format %s, %d findings", run, cached(ix), infos[0].Format, len(ix.Lookup(nil, q)))
		}
	}
	open("first", false, true)
	open("second", true, true)
	os.WriteFile(year, []byte(strings.ReplaceAll(string(data), "<name>FreeBSD</name>", "<name>FreeBSX</name>")), 0o644)
	open("year file changed", false, false)
	open("year file changed, again", true, false)
	os.WriteFile(filepath.Join(vuln, "2004.xml"), data, 0o644)
	open("year file added", false, true)
	os.Remove(filepath.Join(vuln, "2004.xml"))
	open("year file removed", false, false)
}
