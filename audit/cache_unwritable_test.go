package audit

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/feed"
)

// A cache directory that cannot be made or written is no error: Open
// loads as without a cache, briefly and without hashing when asked (the
// saving of the uncached path), and leaves nothing behind.
func TestCacheDirUnwritable(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	want, _, err := Open([]string{db}, OpenOptions{Brief: true})
	if err != nil {
		t.Fatal(err)
	}
	// Beneath a regular file: no directory can be made there, not even
	// by root (the tests may run as root, for whom modes do not count).
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cache := range []string{blocker, filepath.Join(blocker, "cache")} {
		opts := OpenOptions{CacheDir: cache, Brief: true, Feed: feed.Options{NoHash: true}}
		for run := range 2 {
			ix, infos, err := Open([]string{db}, opts)
			if err != nil {
				t.Fatalf("%s, run %d: %v", cache, run, err)
			}
			if cached(ix) {
				t.Fatalf("%s, run %d: cached", cache, run)
			}
			if !ix.recs.brief {
				t.Errorf("%s: the uncached fall-back is not brief", cache)
			}
			if infos[0].Hash != ([32]byte{}) {
				t.Errorf("%s: the uncached fall-back hashed the database", cache)
			}
			sameResults(t, ix, want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("left behind: %v", ents)
	}
}

// A miss whose load fails leaves no temporary file in the cache
// directory.
func TestCacheMissLoadErrorLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "bad.xml")
	os.WriteFile(db, []byte("<vuxml><vuln"), 0o644)
	cache := filepath.Join(dir, "cache")
	if _, _, err := Open([]string{db}, OpenOptions{CacheDir: cache}); err == nil {
		t.Fatal("no error for a broken database")
	}
	if ents, _ := os.ReadDir(cache); len(ents) != 0 {
		t.Errorf("left in the cache directory: %v", ents)
	}
}

// A miss leaves exactly the cache file in the directory, readable by all,
// and a stale one is replaced by one file.
func TestCacheWriteLeavesOneFile(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	for run := range 3 {
		if run == 2 {
			os.WriteFile(db, []byte("# $NetBSD$\n#FORMAT 1.1.0\n#\nnewpkg<2\tdos\thttp://x/1\n"), 0o644)
		}
		if _, _, err := Open([]string{db}, OpenOptions{CacheDir: cache}); err != nil {
			t.Fatal(err)
		}
		ents, _ := os.ReadDir(cache)
		if len(ents) != 1 || filepath.Ext(ents[0].Name()) != ".idx" {
			t.Fatalf("run %d: %v", run, ents)
		}
		if st, _ := ents[0].Info(); st.Mode().Perm() != 0o644 {
			t.Errorf("run %d: mode %v", run, st.Mode())
		}
	}
}

// A cache file others could have written is not used (its checksum
// detects damage, not forgery): the audit loads the database and writes
// its own file in its place.
func TestCacheUntrusted(t *testing.T) {
	if !unixLike() {
		t.Skip("no file owners here")
	}
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	opts := OpenOptions{CacheDir: cache}
	if _, _, err := Open([]string{db}, opts); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*.idx"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	ix, _, err := Open([]string{db}, opts)
	if err != nil || !cached(ix) {
		t.Fatalf("warm: cached %v, %v", cached(ix), err)
	}
	// Writable by the group: not used, replaced.
	os.Chmod(files[0], 0o664)
	if ix, _, err = Open([]string{db}, opts); err != nil || cached(ix) {
		t.Fatalf("group-writable: cached %v, %v", cached(ix), err)
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o644 {
		t.Fatalf("not replaced: mode %v", st.Mode())
	}
	if ix, _, err = Open([]string{db}, opts); err != nil || !cached(ix) {
		t.Fatalf("replaced: cached %v, %v", cached(ix), err)
	}
	// Owned by another user (as seen by a process running as uid 4242;
	// the file is root's or the tester's): not used. Root's files are
	// trusted by everyone.
	old := geteuid
	defer func() { geteuid = old }()
	geteuid = func() int { return 4242 }
	ix, _, err = Open([]string{db}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if owner := fileOwner(t, files[0]); cached(ix) != (owner == 0) {
		t.Errorf("file of uid %d, running as 4242: cached %v", owner, cached(ix))
	}
	geteuid = old
	// As root: a file another user owns is not used, and is replaced by
	// root's own.
	if os.Geteuid() == 0 {
		if err := os.Chown(files[0], 4242, 4242); err != nil {
			t.Fatal(err)
		}
		if ix, _, err = Open([]string{db}, opts); err != nil || cached(ix) {
			t.Fatalf("file of uid 4242, running as root: cached %v, %v", cached(ix), err)
		}
		if owner := fileOwner(t, files[0]); owner != 0 {
			t.Fatalf("not replaced: owner %d", owner)
		}
		if ix, _, err = Open([]string{db}, opts); err != nil || !cached(ix) {
			t.Fatalf("replaced: cached %v, %v", cached(ix), err)
		}
	}
}

// The temporary file of a run killed while it built the index is removed
// by a later miss once it is an hour old; a recent one (another run at
// work) is left alone.
func TestCachePrunesOldTemps(t *testing.T) {
	dir := t.TempDir()
	db := pkgsrcCopy(t, dir)
	cache := filepath.Join(dir, "cache")
	os.MkdirAll(cache, 0o755)
	stale := filepath.Join(cache, ".pkgaudit-0123.idx.tmp-42")
	fresh := filepath.Join(cache, ".pkgaudit-4567.idx.tmp-43")
	other := filepath.Join(cache, "notes.txt")
	for _, f := range []string{stale, fresh, other} {
		os.WriteFile(f, []byte("x"), 0o644)
	}
	long := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, long, long)
	os.Chtimes(other, long, long)
	if _, _, err := Open([]string{db}, OpenOptions{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale temporary file is still there")
	}
	for _, f := range []string{fresh, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
