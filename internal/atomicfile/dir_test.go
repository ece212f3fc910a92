package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[e.Name()] = string(b)
	}
	return got
}

func fillWith(files map[string]string) func(string) ([]string, error) {
	return func(tmp string) ([]string, error) {
		var names []string
		for n, c := range files {
			if err := CreateNew(filepath.Join(tmp, n), []byte(c)); err != nil {
				return nil, err
			}
			names = append(names, n)
		}
		return names, nil
	}
}

func TestReplaceDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	// A new directory, then a replacement of it.
	for _, files := range []map[string]string{{"a": "1", "b": "2"}, {"c": "3"}} {
		if err := ReplaceDir(dir, fillWith(files)); err != nil {
			t.Fatal(err)
		}
		if got := readTree(t, dir); len(got) != len(files) || got["a"] != files["a"] || got["c"] != files["c"] {
			t.Fatalf("tree %v, want %v", got, files)
		}
	}
	// A failing fill leaves the old tree as it was and nothing beside it.
	boom := errors.New("boom")
	err := ReplaceDir(dir, func(tmp string) ([]string, error) {
		if err := CreateNew(filepath.Join(tmp, "partial"), []byte("x")); err != nil {
			return nil, err
		}
		return nil, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if got := readTree(t, dir); len(got) != 1 || got["c"] != "3" {
		t.Fatalf("old tree changed: %v", got)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Fatalf("leftovers beside the directory: %v", ents)
	}
	// CreateNew never overwrites.
	if err := CreateNew(filepath.Join(dir, "c"), []byte("y")); err == nil {
		t.Fatal("CreateNew replaced an existing file")
	}
}
