package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzCheck: no input crashes the configuration reader, and every error
// is an *Error naming the file.
func FuzzCheck(f *testing.F) {
	f.Add([]byte("[freebsd]\ndbdir = \"/var/db/pkg\"\n[fetch]\nmax_download = \"64MiB\"\ntimeout = \"5m\"\n"))
	f.Add([]byte("[fetch]\noffline = true\nmax_redirects = 3\nidle_timeout = \"1s\"\n"))
	f.Add([]byte("fetch.timeout = 5\n[audit]\nstale_days = -1\n"))
	f.Add([]byte("[pkgsrc]\nurl = \"ftp://x\"\n[nosuch.table]\nx = [1, 2]\n"))
	if b, err := os.ReadFile("testdata/example.toml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, "f.toml")
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "f.toml") {
			t.Fatalf("error %T %q does not name the file", err, err)
		}
	})
}
