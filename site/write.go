package site

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// Write renders the site into the directory dir.
//
// A directory that does not exist yet, or is empty, is filled in a
// temporary sibling directory that is renamed into place at the end: the
// site appears whole or not at all. A directory that holds a site written
// before (it has the manifest file .pkgaudit-site) is updated file by file:
// every file is written and synced in a temporary directory inside dir,
// then renamed over the old one, so no reader ever sees a partial file;
// files of the previous site that are no longer generated are removed
// last. Any other non-empty directory is refused, so that a mistyped --out
// never scatters files into a directory of other things.
func (s *Site) Write(dir string) error {
	dir = filepath.Clean(dir)
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return s.writeFresh(dir)
	case err != nil:
		return err
	case len(entries) == 0:
		return s.writeFresh(dir)
	}
	old, err := readManifest(filepath.Join(dir, fileManifest))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is not empty and holds no site written by pkgaudit (no %s): refusing to write into it", dir, fileManifest)
	}
	if err != nil {
		return err
	}
	return s.writeUpdate(dir, old)
}

// writeFresh builds the site in a sibling directory and renames it to dir
// (replacing dir when it is an empty directory).
func (s *Site) writeFresh(dir string) error {
	return atomicfile.ReplaceDir(dir, s.renderInto)
}

// writeUpdate replaces the files of an existing site one by one.
func (s *Site) writeUpdate(dir string, old []string) error {
	tmp, err := os.MkdirTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	names, err := s.renderInto(tmp)
	if err != nil {
		return err
	}
	if err := atomicfile.SyncFiles(tmp, names); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(tmp); err != nil {
		return err
	}
	// The manifest goes last, so that an interrupted update is finished
	// (and its leftovers removed) by the next one.
	slices.SortFunc(names, func(a, b string) int {
		return cmpBool(a == fileManifest, b == fileManifest)
	})
	for _, n := range names {
		if err := os.Rename(filepath.Join(tmp, n), filepath.Join(dir, n)); err != nil {
			return err
		}
	}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	for _, n := range old {
		if !keep[n] {
			if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return atomicfile.SyncDir(dir)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// renderInto renders every file into dir (which must be empty), plus the
// manifest, and returns the names written; the caller makes them durable.
func (s *Site) renderInto(dir string) ([]string, error) {
	var (
		mu    sync.Mutex
		names []string
	)
	err := s.Render(func(name string, data []byte) error {
		if err := atomicfile.CreateNew(filepath.Join(dir, name), data); err != nil {
			return err
		}
		mu.Lock()
		names = append(names, name)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	if err := atomicfile.CreateNew(filepath.Join(dir, fileManifest), manifest(names)); err != nil {
		return nil, err
	}
	names = append(names, fileManifest)
	return names, nil
}

// manifest lists the files of a site, one per line.
func manifest(names []string) []byte {
	var b bytes.Buffer
	b.WriteString("# The files of the site pkgaudit site build wrote in this directory.\n")
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// readManifest returns the file names a manifest lists; names with a path
// separator or a leading dot are ignored, so that a tampered manifest
// cannot make an update remove anything outside the site.
func readManifest(path string) ([]string, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(io.LimitReader(f, 64<<20))
	for sc.Scan() {
		n := sc.Text()
		if n == "" || strings.HasPrefix(n, "#") || strings.HasPrefix(n, ".") || strings.ContainsAny(n, `/\`) {
			continue
		}
		names = append(names, n)
	}
	return names, sc.Err()
}
