package feed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSource(t *testing.T) {
	src, err := ReadSource(realPkgsrc, false)
	if err != nil || src.Pkgsrc == nil || src.VuXML != nil {
		t.Fatalf("pkg-vulnerabilities: %+v, %v", src, err)
	}
	dir := t.TempDir()
	for name, c := range map[string]struct{ data, want string }{
		"empty":    {"", "empty file"},
		"osv.json": {`{"schema_version":"1.6.0","id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[]}`, "OSV records"},
		"vuln.xml": {`<?xml version="1.0"?><vuxml xmlns="http://www.vuxml.org/apps/vuxml-1"></vuxml>`, ""},
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(c.data), 0o644)
		src, err := ReadSource(p, false)
		if c.want == "" {
			if err != nil || src.VuXML == nil {
				t.Errorf("%s: %+v, %v", name, src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), p) != 1 {
			t.Errorf("%s: %v, want %q with the file name once", name, err, c.want)
		}
	}
}
