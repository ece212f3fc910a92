package feed

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The database "-" is Options.Stdin, its format detected as a file's.
func TestLoadStdin(t *testing.T) {
	data, err := os.ReadFile(realPkgsrc)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Load("-", Options{Stdin: bytes.NewReader(data)})
	if err != nil || db.Format != Pkgsrc || db.Path != "-" || len(db.Advisories) == 0 {
		t.Fatalf("%v, %+v", err, db)
	}
	var c collector
	if info, err := LoadInto("-", Options{Stdin: bytes.NewReader(data)}, &c); err != nil || info.Format != Pkgsrc || len(c.advs) != len(db.Advisories) {
		t.Fatalf("LoadInto: %v", err)
	}
	// No external entities: there is no directory to resolve them in.
	wrapper := `<?xml version="1.0"?><!DOCTYPE vuxml [<!ENTITY y SYSTEM "vuln/2025.xml">]><vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">&y;</vuxml>`
	if _, err := Load("-", Options{Stdin: strings.NewReader(wrapper)}); err == nil {
		t.Error("external entity read from standard input")
	}
	if _, err := Load("-", Options{Stdin: strings.NewReader(strings.Repeat("x", 100)), MaxSize: 10}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("cap: %v", err)
	}
}
