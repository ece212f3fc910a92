package inventory

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A source the user names must exist and be what it claims; otherwise the
// error says what was expected (never an empty, "clean" list).
func TestSourcesRefuseMissingOrWrongKind(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		name string
		src  Source
		want string
	}{
		{"pkgsrc dbdir missing", PkgsrcInstalled(missing), "expected pkgsrc's installed-package database"},
		{"pkgsrc dbdir is a file", PkgsrcInstalled(file), "not a directory (expected pkgsrc's"},
		{"package dir missing", PackageFiles(missing, false), "expected a directory of package files"},
		{"package dir is a file", PackageFiles(file, false), "not a directory"},
		{"package dir names-only is a file", PackageFiles(file, true), "not a directory"},
		{"index missing", PortsIndex(missing), "expected a ports INDEX file"},
		{"index is a directory", PortsIndex(dir), "is a directory (expected a ports INDEX file)"},
		{"index is a fifo", PortsIndex(fifo), "not a regular file"},
		{"list missing", List(missing, nil), "expected a list file"},
		{"list is a directory", List(dir, nil), "is a directory"},
		{"list is a fifo", List(fifo, nil), "not a regular file"},
	} {
		pkgs, err := tc.src.Packages(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %d packages, error %v; want one containing %q", tc.name, len(pkgs), err, tc.want)
		}
	}
}

func TestInstalledMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	_, err := Installed(dir).Packages(context.Background())
	var nd *NoDatabaseError
	if !errors.As(err, &nd) || nd.Path != filepath.Join(dir, PkgDBFile) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v", err)
	}
	if want := "no installed-package database at " + nd.Path + ": nothing was audited"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestPackageFilesPartial(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "broken-1.0.pkg"), []byte("not an archive"), 0o644)
	_, err := PackageFiles(dir, false).Packages(context.Background())
	var pe *PartialError
	if !errors.As(err, &pe) || len(pe.Errs) != 1 || !strings.Contains(pe.Errs[0].Error(), "broken-1.0.pkg") {
		t.Fatalf("got %v", err)
	}
}

// Operands: pkg's documented forms are kept, what is no package name is
// refused as it is in a list file.
func TestParseOperand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Package
	}{
		{"curl-8.5.0", Package{Name: "curl", Version: "8.5.0"}},
		{"py311-requests-2.31.0", Package{Name: "py311-requests", Version: "2.31.0"}},
		{"sudo", Package{Name: "sudo", Versionless: true}},
		{"test-", Package{Name: "test"}},
	} {
		got, err := ParseOperand(tc.in)
		if err != nil || got.Name != tc.want.Name || got.Version != tc.want.Version || got.Versionless != tc.want.Versionless {
			t.Errorf("%q: %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"curl 8.5.0", "curl-8.5.0 ", "curl\t-1", "a-1\x00", "curl-8\n", "-1.0", "", "x-\x7f"} {
		if p, err := ParseOperand(bad); err == nil || !strings.Contains(err.Error(), "not a package name") {
			t.Errorf("%q: %+v, %v; want an error", bad, p, err)
		}
	}
	if _, err := Operands([]string{"ok-1", "curl 8.5.0"}).Packages(context.Background()); err == nil {
		t.Error("Operands accepted a blank")
	}
}

func TestValidFreeBSDVersion(t *testing.T) {
	for _, v := range []string{"14.3-RELEASE-p2", "14.3-RELEASE", "15.0-CURRENT", "14.2-STABLE", "14.3-BETA1", "14.3-RC2", "15.0-ALPHA3", "13.5-PRERELEASE", "14.0-RELEASE-p10"} {
		if !ValidFreeBSDVersion(v) {
			t.Errorf("%q refused", v)
		}
	}
	for _, v := range []string{"", "14.1 RELEASE", "14", "14.3", "14.3-release", "14.3-RELEASE-p", "14.3-RELEASE-2", "14.3-FOO", "x.y-RELEASE", "14.3-RELEASE-p2-extra", "14.3-RELEASE-p2\n", "14.3-RELEASE/p2"} {
		if ValidFreeBSDVersion(v) {
			t.Errorf("%q accepted", v)
		}
	}
	if _, err := BaseSystem("14.3-RELEASE-p2", "garbage").Packages(context.Background()); err == nil || !strings.Contains(err.Error(), "--base-version") {
		t.Errorf("bad kernel version: %v", err)
	}
	if pkgs, err := BaseSystem("14.3-RELEASE-p2", "").Packages(context.Background()); err != nil || len(pkgs) != 1 || pkgs[0].Name != "FreeBSD" || pkgs[0].Version != "14.3_2" {
		t.Errorf("good version: %+v %v", pkgs, err)
	}
}

// An accepted operand has a name, no blank or control character, and
// reads back as given.
func FuzzParseOperand(f *testing.F) {
	for _, s := range []string{"curl-8.5.0", "sudo", "test-", "-1", "", "curl 8.5.0", "a\x00-1", "p5-libwww-6.77", "é-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseOperand(s)
		if err != nil {
			return
		}
		if p.Name == "" || strings.ContainsAny(s, " \t\n\r\x00\x7f") || p.String() != s {
			t.Errorf("%q accepted as %+v", s, p)
		}
	})
}
