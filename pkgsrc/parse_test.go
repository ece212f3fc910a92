package pkgsrc

import (
	"bytes"
	"compress/gzip"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/pkgaudit/pkgaudit/internal/testlong"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

// unescape decodes the input column of pkgsrc-parse.tsv.
func unescape(t *testing.T, s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case '\\':
			b = append(b, '\\')
		case 'x':
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				t.Fatalf("bad escape %q", s[i-1:i+3])
			}
			b = append(b, byte(v))
			i += 2
		default:
			t.Fatalf("unknown escape \\%c", s[i])
		}
	}
	return b
}

func TestParseVectors(t *testing.T) {
	ls, err := vectors.Read("../testdata/vectors/pkgsrc-parse.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 53 {
		t.Fatalf("read %d cases, want 53", len(ls))
	}
	dir := t.TempDir()
	for _, l := range ls {
		name, input, rc, stderr, want := l.Fields[0], l.Fields[1], l.Fields[2], l.Fields[3], l.Fields[4]
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, unescape(t, input), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := ParseFile(path, Options{})
		wantMsg := strings.ReplaceAll(stderr, "FILE", path)
		if rc == "1" {
			pe, ok := err.(*ParseError)
			if !ok || pe.Msg != wantMsg {
				t.Errorf("line %d (%s): got %v, want rejection %q", l.N, name, err, wantMsg)
			}
			continue
		}
		if err != nil {
			t.Errorf("line %d (%s): unexpected error %v", l.N, name, err)
			continue
		}
		if got := strings.Join(f.Warnings, "\n"); got != wantMsg {
			t.Errorf("line %d (%s): warnings %q, want %q", l.N, name, got, wantMsg)
		}
		var es []string
		for _, e := range f.Entries {
			es = append(es, e.Pattern+"|"+e.Class+"|"+e.URL)
		}
		if got := strings.Join(es, " ;; "); got != want {
			t.Errorf("line %d (%s): entries\n got %q\nwant %q", l.N, name, got, want)
		}
	}
}

func TestRealFiles(t *testing.T) {
	for file, n := range map[string]int{"pkg-vulnerabilities-1.3817": 5178, "pkg-vulnerabilities-1.3823": 5184} {
		f, err := ParseFile("../testdata/pkgsrc/"+file, Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(f.Entries) != n || len(f.Checksums) != 2 || !f.Signed {
			t.Errorf("%s: %d entries, %d checksums, signed %v", file, len(f.Entries), len(f.Checksums), f.Signed)
		}
		// Compressed copies parse the same (gzip twice: stacked layers).
		raw, _ := os.ReadFile("../testdata/pkgsrc/" + file)
		gz := gzipBytes(gzipBytes(raw))
		g, err := Parse(file+".gz", gz, Options{})
		if err != nil || len(g.Entries) != n {
			t.Errorf("%s double gzip: %v", file, err)
		}
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// Flipping any single byte of the checksummed body is detected (or makes
// the file malformed): never silently accepted with other content.
func TestByteFlipDetected(t *testing.T) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		t.Fatal(err)
	}
	bodyStart := bytes.Index(raw, []byte("#FORMAT"))
	bodyEnd := bytes.Index(raw, []byte("#CHECKSUM"))
	r := rand.New(rand.NewSource(3))
	n := 60
	if testlong.Enabled() {
		n = 300
	}
	for k := 0; k < n; k++ {
		i := bodyStart + r.Intn(bodyEnd-bodyStart)
		mut := bytes.Clone(raw)
		mut[i] ^= byte(1 + r.Intn(255))
		if mut[i] == 0 || raw[i] == '\n' || mut[i] == '\n' {
			continue // NUL and newline changes are refused or reshape lines; covered elsewhere
		}
		if _, err := Parse("mut", mut, Options{}); err == nil {
			t.Errorf("flip at %d (%q→%q) accepted", i, raw[i], mut[i])
		}
	}
}

func FuzzParse(f *testing.F) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[:4000])
	f.Add(raw[len(raw)-3000:])
	f.Add([]byte("#FORMAT 1.1.0\nfoo<1\tdos\thttp://x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data, Options{MaxSize: 1 << 20})
		if err == nil && file == nil {
			t.Fatal("nil file without error")
		}
	})
}

func BenchmarkParseReal(b *testing.B) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("x", raw, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSourceList(t *testing.T) {
	path := "../testdata/pkgsrc/pkgsrc-doc-pkg-vulnerabilities-2024-head.txt"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw = raw[bytes.Index(raw, []byte("# $NetBSD")):] // drop the provenance lines
	if _, err := Parse(path, raw, Options{}); err == nil || !strings.Contains(err.Error(), "Input #FORMAT") {
		t.Errorf("without SourceList: %v, want Input #FORMAT", err)
	}
	f, err := Parse(path, raw, Options{SourceList: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 10 || f.Entries[0].Pattern != "cfengine<1.5.3nb3" || f.Entries[0].Line != 28 {
		t.Errorf("got %d entries, first %+v", len(f.Entries), f.Entries[0])
	}
	// 1.1.0 still parses, other versions still do not.
	if _, err := Parse("x", []byte("#FORMAT 1.2.0\nfoo<1 dos http://x\n"), Options{SourceList: true}); err == nil {
		t.Error("#FORMAT 1.2.0 accepted")
	}
}

func TestCompressedFormats(t *testing.T) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3823")
	if err != nil {
		t.Fatal(err)
	}
	var xzBuf bytes.Buffer
	w, err := xz.NewWriter(&xzBuf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	w.Close()
	for name, data := range map[string][]byte{"xz": xzBuf.Bytes(), "gzip": gzipBytes(raw), "xz in gzip": gzipBytes(xzBuf.Bytes())} {
		f, err := Parse(name, data, Options{})
		if err != nil || len(f.Entries) != 5184 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A decompression bomb is refused at the size limit.
	bomb := gzipBytes(bytes.Repeat([]byte("#\n"), 1<<20))
	if _, err := Parse("bomb", bomb, Options{MaxSize: 1 << 16}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("bomb: %v", err)
	}
}
