// Package fetchtest holds what the tests of package fetch and of the
// `pkgaudit fetch` command share: HTTP handlers that behave and misbehave
// (conditional answers, truncation, lies about the length, slow drips,
// stalls, redirect loops), small valid and broken databases, compression
// bombs and generated OpenPGP keys.
package fetchtest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// VuXML is a small, valid, flattened VuXML document with two entries.
const VuXML = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd">
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
  <vuln vid="0e5b12ef-7b4c-11f0-8a5c-b42e991fc52e">
    <topic>curl -- multiple vulnerabilities</topic>
    <affects>
      <package>
	<name>curl</name>
	<range><lt>8.15.0</lt></range>
      </package>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<p>The curl project reports several issues.</p>
      </body>
    </description>
    <references>
      <cvename>CVE-2025-0001</cvename>
    </references>
    <dates>
      <discovery>2025-07-16</discovery>
      <entry>2025-08-17</entry>
    </dates>
  </vuln>
  <vuln vid="f1a1e5b0-2a8e-11f0-9b1d-b42e991fc52e">
    <topic>openssl -- denial of service</topic>
    <affects>
      <package>
	<name>openssl</name>
	<range><ge>3.0.0,1</ge><lt>3.0.16,1</lt></range>
      </package>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<p>The OpenSSL project reports a denial of service.</p>
      </body>
    </description>
    <references>
      <cvename>CVE-2025-0002</cvename>
    </references>
    <dates>
      <discovery>2025-04-01</discovery>
      <entry>2025-04-02</entry>
    </dates>
  </vuln>
</vuxml>
`

// Source is a small pkgsrc source list for Publish.
const Source = `# $NetBSD: pkg-vulnerabilities,v 1.9999 2026/11/20 10:00:00 test Exp $
#
#FORMAT 1.0.0
#
# package		type of exploit		URL
openssl<0.9.8q		denial-of-service	http://www.openssl.org/news/secadv_20110208.txt
asterisk<1.8.3.1	denial-of-service	http://secunia.com/advisories/43722/
`

// Gzip compresses b.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// XZ compresses b.
func XZ(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Zstd compresses b.
func Zstd(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// Bzip2 compresses b.
func Bzip2(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := bzip2.NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// Bomb is a few kilobytes of compressed data that expand to size bytes of
// a VuXML-looking document, in format ("gzip", "xz", "zstd", "bzip2").
func Bomb(t testing.TB, format string, size int) []byte {
	t.Helper()
	head := "<?xml version=\"1.0\"?>\n<vuxml>\n<!-- "
	b := append([]byte(head), bytes.Repeat([]byte("A"), size-len(head))...)
	switch format {
	case "gzip":
		return Gzip(b)
	case "xz":
		return XZ(t, b)
	case "zstd":
		return Zstd(t, b)
	case "bzip2":
		return Bzip2(t, b)
	}
	t.Fatalf("Bomb: unknown format %q", format)
	return nil
}

// Key is a generated OpenPGP key.
type Key struct {
	Entity *openpgp.Entity
	// Keyring holds the public key only.
	Keyring openpgp.EntityList
	// PublicArmored is the armored public key, as a keyring file.
	PublicArmored []byte
}

// NewKey generates a signing key (EdDSA, fast).
func NewKey(t testing.TB, name string) *Key {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", name+"@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	var pub bytes.Buffer
	if err := writeArmoredPublic(&pub, e); err != nil {
		t.Fatal(err)
	}
	kr, err := pkgsrc.ReadKeyring(bytes.NewReader(pub.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return &Key{Entity: e, Keyring: kr, PublicArmored: pub.Bytes()}
}

// PkgVulns publishes Source as a pkg-vulnerabilities file, signed by k
// when it is not nil, gzip-compressed as the NetBSD CDN serves it.
func PkgVulns(t testing.TB, k *Key) []byte {
	t.Helper()
	var signer *packet.PrivateKey
	if k != nil {
		signer = k.Entity.PrivateKey
	}
	b, err := pkgsrc.Publish([]byte(Source), signer)
	if err != nil {
		t.Fatal(err)
	}
	return Gzip(b)
}

// Signed publishes Source as a pkg-vulnerabilities file signed by k,
// uncompressed.
func Signed(t testing.TB, k *Key) []byte {
	t.Helper()
	b, err := pkgsrc.Publish([]byte(Source), k.Entity.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ClearSign clear-signs text with k as it is, without #CHECKSUM lines
// or any other change.
func ClearSign(t testing.TB, k *Key, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, k.Entity.PrivateKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(text))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// DashEscapeAttack alters a genuinely signed file without breaking its
// signature: the #CHECKSUM lines and every line starting with victim get
// the prefix "- ", which OpenPGP takes for dash-escaping. pkg_install's
// reading then sees no checksum and a pattern "-" instead of the entry.
func DashEscapeAttack(signed []byte, victim string) []byte {
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(signed, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("#CHECKSUM")) || (victim != "" && bytes.HasPrefix(l, []byte(victim))) {
			out.WriteString("- ")
		}
		out.Write(l)
	}
	return out.Bytes()
}

// CRArmorAttack alters a genuinely signed file without breaking its
// signature: a "-----BEGIN PGP SIGNATURE-----" line ending in CR LF, then
// extra (lines without a colon, which the armor decoder skips), then the
// real armor line. OpenPGP's signed text ends at the first; pkg_install
// reads on to the second.
func CRArmorAttack(signed []byte, extra string) []byte {
	i := bytes.Index(signed, []byte("\n-----BEGIN PGP SIGNATURE-----\n"))
	var out bytes.Buffer
	out.Write(signed[:i+1])
	out.WriteString("-----BEGIN PGP SIGNATURE-----\r\n")
	out.WriteString(extra)
	out.Write(signed[i+1:])
	return out.Bytes()
}

// TamperedChecksum is a published, unsigned file whose body was changed
// after its #CHECKSUM lines were computed.
func TamperedChecksum(t testing.TB) []byte {
	t.Helper()
	b, err := pkgsrc.Publish([]byte(Source), nil)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("openssl<0.9.8q"), []byte("openssl<0.9.8r"), 1)
	return Gzip(b)
}

// Server is an httptest server that records the requests it gets.
type Server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
}

// NewServer starts a server for h, closed when the test ends.
func NewServer(t testing.TB, h http.Handler) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(r.Context()))
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns the requests received so far.
func (s *Server) Requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

// Serve answers with body as a static file would: Last-Modified modTime,
// ETag etag (when not empty), 304 to a matching conditional request.
func Serve(body []byte, modTime time.Time, etag string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, "", modTime, bytes.NewReader(body))
	})
}

// Status answers with code and a short body.
func Status(code int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, http.StatusText(code), code)
	})
}

// Raw writes a raw HTTP response — head (status line and headers, without
// the blank line) then body — and closes the connection.
func Raw(head string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		buf.WriteString(strings.ReplaceAll(strings.TrimSpace(head), "\n", "\r\n") + "\r\n\r\n")
		buf.Write(body)
		buf.Flush()
	})
}

// Truncated announces the whole body in Content-Length but sends only the
// first n bytes, then closes the connection.
func Truncated(body []byte, n int) http.Handler {
	return Raw("HTTP/1.1 200 OK\nContent-Length: "+strconv.Itoa(len(body))+"\nConnection: close", body[:n])
}

// Chunked sends body without a Content-Length, in chunks.
func Chunked(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for len(body) > 0 {
			n := min(len(body), 32<<10)
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			body = body[n:]
		}
	})
}

// Drip sends one byte of an endless body every interval: never idle, never
// done.
func Drip(interval time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
			}
		}
	})
}

// Stall sends the headers and the first bytes, then nothing until the
// client gives up.
func Stall() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("<?xml"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
}

// SlowHeaders waits until the client gives up before answering at all.
func SlowHeaders() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
}

// RedirectLoop redirects every request to itself.
func RedirectLoop() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
}

// Redirect sends every request to target.
func Redirect(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	})
}

// State is a file's bytes, mtime and mode, to prove a failure left it
// alone.
type State struct {
	Data    string
	ModTime time.Time
	Mode    os.FileMode
}

// Snapshot reads the state of path (the zero State when it is missing).
func Snapshot(t testing.TB, path string) State {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return State{}
	}
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return State{string(b), st.ModTime(), st.Mode()}
}

// Dir lists the names in dir, to prove no temporary file was left.
func Dir(t testing.TB, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

// OldDatabase writes a previous copy at path with a fixed mtime.
func OldDatabase(t testing.TB, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// FullDisk is a temporary-file factory for fetch.Options.CreateTemp whose
// files accept room bytes, then fail with "no space left on device".
func FullDisk(room int) func(dir, pattern string) (atomicfile.File, error) {
	return func(dir, pattern string) (atomicfile.File, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &DiskFile{File: f, room: room}, nil
	}
}

// DiskFile is a temporary file on a disk that fills up.
type DiskFile struct {
	*os.File
	room int
}

// errNoSpace is what a full disk says.
const errNoSpace = syscall.ENOSPC

func (f *DiskFile) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n, _ := f.File.Write(p[:f.room])
		f.room = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: errNoSpace}
	}
	f.room -= len(p)
	return f.File.Write(p)
}

// NoNetwork is an http.RoundTripper that fails the test if it is used.
type NoNetwork struct{ T testing.TB }

// RoundTrip fails the test.
func (n NoNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.T.Errorf("network used in offline mode: %s %s", r.Method, r.URL)
	return nil, io.ErrUnexpectedEOF
}

func writeArmoredPublic(w io.Writer, e *openpgp.Entity) error {
	aw, err := armor.Encode(w, openpgp.PublicKeyType, nil)
	if err != nil {
		return err
	}
	if err := e.Serialize(aw); err != nil {
		return err
	}
	return aw.Close()
}
