// Package fetch downloads a vulnerability database — FreeBSD's VuXML
// vuln.xml or pkgsrc's pkg-vulnerabilities — and replaces the local copy
// only with one that has been checked completely.
//
// A fetch is conditional: If-Modified-Since carries the local file's
// modification time and If-None-Match the ETag remembered beside it (in
// the sidecar file ".NAME.etag"); a 304 answer, or for file:// URLs a
// source no newer than the local copy, means "up to date". The download is
// capped on the stream (not only by Content-Length), its compression is
// sniffed from the content (xz, gzip, bzip2, zstd, or none), the unpacked
// size is capped, and the result must parse — VuXML through package vuxml,
// pkg-vulnerabilities through package pkgsrc with its #CHECKSUM lines and,
// when a keyring is given, its OpenPGP signature — before it replaces
// anything. The replacement is atomic (package atomicfile); its mtime is the
// server's Last-Modified, clamped to now. With a keyring, an "up to date"
// answer holds only for a local copy that verifies. On any failure the
// previous file stays exactly as it was.
//
// What is stored follows each reference: FreeBSD pkg stores vuln.xml
// uncompressed with mode 0444; pkg_admin fetch-pkg-vulnerabilities stores
// pkg-vulnerabilities exactly as downloaded (still compressed), mode 0644.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/bytesize"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Kind is the kind of database.
type Kind int

// Kinds.
const (
	// Auto tells the kind from the downloaded content: VuXML when the
	// unpacked text starts with "<", pkg-vulnerabilities otherwise.
	Auto Kind = iota
	VuXML
	PkgVulnerabilities
)

func (k Kind) String() string {
	switch k {
	case VuXML:
		return "VuXML"
	case PkgVulnerabilities:
		return "pkg-vulnerabilities"
	}
	return "auto"
}

// Defaults used when an Options field is zero.
const (
	DefaultMaxDownload    = 64 << 20
	DefaultMaxUnpacked    = 256 << 20
	DefaultTimeout        = 5 * time.Minute
	DefaultConnectTimeout = 30 * time.Second
	DefaultIdleTimeout    = 30 * time.Second
	DefaultMaxRedirects   = 5
)

// Options describe one fetch.
type Options struct {
	URL  string // http, https or file URL
	Dest string // the local database file
	Kind Kind

	MaxDownload    int64         // bytes on the wire (0: DefaultMaxDownload)
	MaxUnpacked    int64         // bytes after decompression (0: DefaultMaxUnpacked)
	Timeout        time.Duration // whole transfer (0: DefaultTimeout)
	ConnectTimeout time.Duration // TCP connect, TLS handshake (0: DefaultConnectTimeout)
	IdleTimeout    time.Duration // longest silence, headers included (0: DefaultIdleTimeout)
	MaxRedirects   int           // (0: DefaultMaxRedirects; negative: none allowed)
	UserAgent      string

	// Offline refuses every network URL (file:// still works); nothing
	// is dialled, no transport is built.
	Offline bool
	// Force makes the request unconditional.
	Force bool

	// Keyring, when not nil, makes a pkg-vulnerabilities file acceptable
	// only with a good OpenPGP signature by one of its keys.
	Keyring openpgp.KeyRing
	// RequireSignature (-s) fails a pkg-vulnerabilities fetch without a
	// Keyring instead of skipping the signature check.
	RequireSignature bool

	// Transport carries HTTP requests (nil: one built from the timeouts).
	Transport http.RoundTripper
	// Progress, when not nil, is called once the size is known (-1 when
	// the server does not say) and receives every downloaded byte.
	Progress func(total int64) Progress
	// Now is the clock for a download without Last-Modified (nil: time.Now).
	Now func() time.Time
	// CreateTemp makes the temporary file of the replacement (nil:
	// os.CreateTemp); tests inject a disk that fills up.
	CreateTemp func(dir, pattern string) (atomicfile.File, error)
}

// Progress receives the downloaded bytes; Finish is called at the end.
type Progress interface {
	io.Writer
	Finish()
}

// Result tells what a fetch did.
type Result struct {
	URL, Dest  string
	UpToDate   bool // nothing was downloaded or replaced
	Kind       Kind
	Downloaded int64               // bytes received
	Written    int64               // bytes stored in Dest
	Layers     []decompress.Format // compression undone, outermost first
	ModTime    time.Time           // mtime given to Dest
	ETag       string
	Entries    int      // entries in the new database
	Warnings   []string // non-fatal parser messages
}

// Errors a fetch can end with (test with errors.Is). Every error returned
// by Run is an *Error.
var (
	ErrOffline      = errors.New("offline mode: not using the network")
	ErrTooLarge     = errors.New("download exceeds the size limit")
	ErrUnpacked     = errors.New("unpacked database exceeds the size limit")
	ErrTruncated    = errors.New("truncated download")
	ErrTimeout      = errors.New("download took too long")
	ErrIdle         = errors.New("download stalled")
	ErrRedirects    = errors.New("too many redirects")
	ErrInsecure     = errors.New("redirect from https to another scheme refused")
	ErrStatus       = errors.New("unexpected HTTP status")
	ErrInvalid      = errors.New("not a valid database")
	ErrSignature    = errors.New("signature check failed")
	ErrNoKeyring    = errors.New("signature check (-s) needs a keyring: --keyring FILE or GPG_KEYRING_PKGVULN")
	ErrDecompress   = errors.New("cannot decompress")
	ErrWrite        = errors.New("cannot replace the database")
	ErrNotSupported = errors.New("unsupported URL")
)

// Error is a failed fetch: one line, saying what happened; Dest was left
// untouched.
type Error struct {
	URL  string
	Dest string
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("fetching %s: %v", e.URL, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// reason builds an error that is both one of the sentinels and carries a
// specific message.
type reason struct {
	kind error
	msg  string
	err  error // underlying cause, if any
}

func (r *reason) Error() string { return r.msg }
func (r *reason) Is(target error) bool {
	return target == r.kind
}
func (r *reason) Unwrap() error { return r.err }

func fail(kind error, cause error, format string, args ...any) error {
	return &reason{kind: kind, msg: fmt.Sprintf(format, args...), err: cause}
}

func (o *Options) defaults() {
	if o.MaxDownload <= 0 {
		o.MaxDownload = DefaultMaxDownload
	}
	if o.MaxUnpacked <= 0 {
		o.MaxUnpacked = DefaultMaxUnpacked
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	} else if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.UserAgent == "" {
		o.UserAgent = "pkgaudit"
	}
}

// download is what came over the wire.
type download struct {
	body        []byte
	modTime     time.Time
	etag        string
	notModified bool
}

// Run performs the fetch described by o.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	res := &Result{URL: o.URL, Dest: o.Dest, Kind: o.Kind}
	wrap := func(err error) error { return &Error{URL: o.URL, Dest: o.Dest, Err: err} }
	if o.Dest == "" {
		return nil, wrap(errors.New("no destination file"))
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, wrap(fail(ErrNotSupported, err, "bad URL: %v", err))
	}
	local := localState(o.Dest, o.URL, o.Now())
	var dl *download
	switch u.Scheme {
	case "file":
		dl, err = fetchFile(u, &o, local)
	case "http", "https":
		if o.Offline {
			return nil, wrap(ErrOffline)
		}
		dl, err = fetchHTTP(ctx, &o, local)
	default:
		err = fail(ErrNotSupported, nil, "unsupported URL scheme %q (want http, https or file)", u.Scheme)
	}
	if err != nil {
		return nil, wrap(err)
	}
	if dl.notModified {
		if err := verifyLocal(&o); err != nil {
			return nil, wrap(err)
		}
		res.UpToDate = true
		res.ModTime = local.modTime
		res.ETag = local.etag
		// Remember when the copy was last confirmed; the database itself
		// is not touched (its mtime is the server's).
		writeSidecar(o.Dest, o.URL, local.etag)
		return res, nil
	}
	res.Downloaded = int64(len(dl.body))
	res.ModTime = dl.modTime
	res.ETag = dl.etag
	store, mode, err := check(&o, dl.body, res, path.Base(u.Path))
	if err != nil {
		return nil, wrap(err)
	}
	if err := atomicfile.WriteWith(o.Dest, atomicfile.Options{Perm: mode, ModTime: dl.modTime, Create: o.CreateTemp}, func(w io.Writer) error {
		if _, err := w.Write(store); err != nil {
			return fmt.Errorf("writing %s: %w", o.Dest, unwrapPath(err))
		}
		return nil
	}); err != nil {
		return nil, wrap(fail(ErrWrite, err, "%v", err))
	}
	res.Written = int64(len(store))
	if err := writeSidecar(o.Dest, o.URL, dl.etag); err != nil {
		// The database is in place; a lost ETag only costs one full
		// download next time.
		res.Warnings = append(res.Warnings, fmt.Sprintf("cannot remember the ETag: %v", err))
	}
	return res, nil
}

// local is what is known of the current copy.
type local struct {
	exists  bool
	modTime time.Time
	etag    string // from the sidecar, when it belongs to this file and URL
	// future: the copy's mtime is later than now (a server's clock ahead,
	// or a copy stored before mtimes were clamped). Nothing is compared
	// with it: the next fetch is unconditional and stores a sane time.
	future bool
}

func localState(dest, rawURL string, now time.Time) local {
	st, err := os.Stat(dest)
	if err != nil || !st.Mode().IsRegular() {
		return local{}
	}
	l := local{exists: true, modTime: st.ModTime(), future: st.ModTime().After(now)}
	l.etag, _ = readSidecar(dest, rawURL, st)
	return l
}

// clamp returns t, or now when t is later: a modification time in the
// future would make every later conditional request (If-Modified-Since)
// and every age check (--max-age, the stale warning) wrong until that
// date.
func clamp(t, now time.Time) time.Time {
	if t.After(now) {
		return now
	}
	return t
}

// SidecarPath is where the ETag of dest is remembered: ".NAME.etag" beside it.
func SidecarPath(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".etag")
}

// The sidecar holds three lines: the URL, the ETag (maybe empty), and the
// mtime (Unix nanoseconds) and size of the file it belongs to, so that an
// ETag is never sent for a file that was replaced by other means. It is
// rewritten on every successful fetch, "up to date" included: its own
// mtime is the last time the copy was known to be current.
func readSidecar(dest, rawURL string, st os.FileInfo) (etag string, ok bool) {
	b, err := safeopen.ReadFile(SidecarPath(dest))
	if err != nil || len(b) > 4096 {
		return "", false
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 3 || (rawURL != "" && lines[0] != rawURL) || lines[2] != stamp(st) {
		return "", false
	}
	return lines[1], true
}

func stamp(st os.FileInfo) string {
	return strconv.FormatInt(st.ModTime().UnixNano(), 10) + " " + strconv.FormatInt(st.Size(), 10)
}

func writeSidecar(dest, rawURL, etag string) error {
	side := SidecarPath(dest)
	if strings.ContainsAny(etag, "\r\n") || strings.ContainsAny(rawURL, "\r\n") {
		etag, rawURL = "", ""
	}
	st, err := os.Stat(dest)
	if err != nil {
		return err
	}
	text := rawURL + "\n" + etag + "\n" + stamp(st) + "\n"
	return atomicfile.Write(side, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
}

// LastChecked tells when the copy at dest was last known to be current:
// the later of its mtime (the server's Last-Modified) and the last
// successful fetch of it, "up to date" answers included. Times later than
// now are not believed (a clock ahead would otherwise keep the copy
// "fresh" for good): when neither is usable t is the zero time, older than
// any limit. ok is false when dest does not exist.
func LastChecked(dest string, now time.Time) (t time.Time, ok bool) {
	st, err := os.Stat(dest)
	if err != nil {
		return time.Time{}, false
	}
	if !st.ModTime().After(now) {
		t = st.ModTime()
	}
	if _, valid := readSidecar(dest, "", st); valid {
		if sst, err := os.Stat(SidecarPath(dest)); err == nil && sst.ModTime().After(t) && !sst.ModTime().After(now) {
			t = sst.ModTime()
		}
	}
	return t, true
}

func fetchFile(u *url.URL, o *Options, l local) (*download, error) {
	if u.Host != "" && u.Host != "localhost" {
		return nil, fail(ErrNotSupported, nil, "file URL with host %q (want file:///path)", u.Host)
	}
	path := u.Path
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, fail(ErrStatus, err, "cannot read %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fail(ErrStatus, err, "cannot read %s: %v", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fail(ErrStatus, nil, "%s is not a regular file", path)
	}
	if l.exists && !o.Force && !l.future && !st.ModTime().After(l.modTime) {
		return &download{notModified: true}, nil
	}
	if st.Size() > o.MaxDownload {
		return nil, fail(ErrTooLarge, nil, "%s is %d bytes, more than the %s download limit", path, st.Size(), bytesize.Format(o.MaxDownload))
	}
	body, err := readCapped(f, o.MaxDownload, st.Size(), o)
	if err != nil {
		return nil, err
	}
	return &download{body: body, modTime: clamp(st.ModTime(), o.Now())}, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readCapped reads r whole, up to max bytes, feeding the progress sink.
func readCapped(r io.Reader, max, total int64, o *Options) ([]byte, error) {
	var sink Progress
	if o.Progress != nil {
		sink = o.Progress(total)
		defer sink.Finish()
		r = io.TeeReader(r, sink)
	}
	var buf bytes.Buffer
	if total > 0 && total <= max {
		buf.Grow(int(total))
	}
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if n > max {
		return nil, fail(ErrTooLarge, nil, "download exceeds the %s limit", bytesize.Format(max))
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newTransport builds the HTTP transport from the timeouts. The
// compression is the database's own: Go must not undo (or add) a transfer
// encoding behind the size caps' back.
func newTransport(o *Options) http.RoundTripper { return NewTransport(o.ConnectTimeout, false) }

// NewTransport is the transport of pkgaudit's downloads: proxies from the
// environment, connect and TLS handshake within connect, HTTP/2 when the
// server offers it, few idle connections; the wait for response headers
// is the caller's (an idle deadline). With compress, Go asks for gzip and
// undoes it (small API answers); without, bodies arrive as sent.
func NewTransport(connect time.Duration, compress bool) *http.Transport {
	d := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   connect,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    !compress,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          2,
		IdleConnTimeout:       10 * time.Second,
	}
}

func fetchHTTP(ctx context.Context, o *Options, l local) (*download, error) {
	ctx, cancelTotal := context.WithTimeoutCause(ctx, o.Timeout, ErrTimeout)
	defer cancelTotal()
	ctx, cancelIdle := context.WithCancelCause(ctx)
	defer cancelIdle(nil)
	idle := time.AfterFunc(o.IdleTimeout, func() { cancelIdle(ErrIdle) })
	defer idle.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
	if err != nil {
		return nil, fail(ErrNotSupported, err, "bad URL: %v", err)
	}
	req.Header.Set("User-Agent", o.UserAgent)
	conditional := l.exists && !o.Force && !l.future
	if conditional {
		req.Header.Set("If-Modified-Since", l.modTime.UTC().Format(http.TimeFormat))
		if l.etag != "" {
			req.Header.Set("If-None-Match", l.etag)
		}
	}
	transport := o.Transport
	if transport == nil {
		transport = newTransport(o)
		if t, ok := transport.(*http.Transport); ok {
			defer t.CloseIdleConnections()
		}
	}
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fail(ErrRedirects, nil, "stopped after %d redirects (last to %s)", o.MaxRedirects, req.URL.Redacted())
			}
			if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fail(ErrInsecure, nil, "refused redirect from https to %s", req.URL.Redacted())
			}
			return nil
		},
	}
	timeoutErr := func(err error) error {
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, ErrIdle):
			return fail(ErrIdle, cause, "no data received for %v", o.IdleTimeout)
		case errors.Is(cause, ErrTimeout):
			return fail(ErrTimeout, cause, "not complete after %v", o.Timeout)
		}
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		var r *reason
		if errors.As(err, &r) {
			return nil, r
		}
		if ctx.Err() != nil {
			return nil, timeoutErr(err)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fail(ErrStatus, err, "%v", err)
	}
	defer resp.Body.Close()
	idle.Reset(o.IdleTimeout)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		if !conditional {
			return nil, fail(ErrStatus, nil, "server said %s to an unconditional request", resp.Status)
		}
		return &download{notModified: true}, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fail(ErrStatus, nil, "server said %s", resp.Status)
	}
	if resp.ContentLength > o.MaxDownload {
		return nil, fail(ErrTooLarge, nil, "server announces %d bytes, more than the %s download limit", resp.ContentLength, bytesize.Format(o.MaxDownload))
	}
	body := &idleReader{r: resp.Body, t: idle, d: o.IdleTimeout}
	data, err := readCapped(body, o.MaxDownload, resp.ContentLength, o)
	if err != nil {
		var r *reason
		if errors.As(err, &r) {
			return nil, r
		}
		if ctx.Err() != nil {
			return nil, timeoutErr(err)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			if resp.ContentLength >= 0 {
				return nil, fail(ErrTruncated, err, "connection closed after %d of %d bytes", body.n, resp.ContentLength)
			}
			return nil, fail(ErrTruncated, err, "connection closed after %d bytes", body.n)
		}
		return nil, fail(ErrTruncated, err, "reading the response after %d bytes: %v", body.n, err)
	}
	if resp.ContentLength >= 0 && int64(len(data)) != resp.ContentLength {
		return nil, fail(ErrTruncated, nil, "received %d bytes, the server announced %d", len(data), resp.ContentLength)
	}
	mod := o.Now()
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		if t, err := http.ParseTime(lm); err == nil {
			mod = clamp(t, mod)
		}
	}
	return &download{body: data, modTime: mod, etag: resp.Header.Get("ETag")}, nil
}

// idleReader pushes the idle deadline back on every byte received.
type idleReader struct {
	r io.Reader
	t *time.Timer
	d time.Duration
	n int64
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.n += int64(n)
		r.t.Reset(r.d)
	}
	return n, err
}

// check unpacks and parses the download and returns what to store.
// name is the downloaded file's name, used in parse errors.
func check(o *Options, raw []byte, res *Result, name string) ([]byte, os.FileMode, error) {
	text, layers, err := decompress.Unpack(raw, o.MaxUnpacked)
	res.Layers = layers
	if err != nil {
		switch {
		case errors.Is(err, decompress.ErrTooLarge):
			return nil, 0, fail(ErrUnpacked, err, "unpacked database exceeds the %s limit (%s)", bytesize.Format(o.MaxUnpacked), formatLayers(layers))
		case errors.Is(err, decompress.ErrEmpty):
			return nil, 0, fail(ErrInvalid, err, "empty download")
		}
		return nil, 0, fail(ErrDecompress, err, "cannot decompress: %v", err)
	}
	kind := o.Kind
	if kind == Auto {
		if kind, err = detectKind(text); err != nil {
			return nil, 0, err
		}
	}
	res.Kind = kind
	switch kind {
	case VuXML:
		if o.RequireSignature {
			return nil, 0, fail(ErrSignature, nil, "signature check (-s) asked for, but a VuXML file carries no signature")
		}
		n, err := CheckVuXML(text, name, o.MaxUnpacked)
		if err != nil {
			return nil, 0, fail(ErrInvalid, err, "not a valid VuXML file: %v", err)
		}
		res.Entries = n
		return text, 0o444, nil
	default:
		f, err := checkPkgsrc(o, name, text)
		if err != nil {
			return nil, 0, err
		}
		res.Entries = len(f.Entries)
		res.Warnings = append(res.Warnings, f.Warnings...)
		return raw, 0o644, nil
	}
}

// checkPkgsrc parses a pkg-vulnerabilities text; with a keyring (or -s)
// its signature is verified first and the signed text is what is parsed.
func checkPkgsrc(o *Options, name string, text []byte) (*pkgsrc.File, error) {
	if o.Keyring == nil && o.RequireSignature {
		return nil, ErrNoKeyring
	}
	if o.Keyring == nil {
		f, err := pkgsrc.Parse(name, text, pkgsrc.Options{MaxSize: o.MaxUnpacked})
		if err != nil {
			return nil, fail(ErrInvalid, err, "not a valid pkg-vulnerabilities file: %v", err)
		}
		return f, nil
	}
	f, err := pkgsrc.ParseVerified(name, text, o.Keyring, pkgsrc.Options{MaxSize: o.MaxUnpacked})
	switch {
	case errors.Is(err, pkgsrc.ErrVerification):
		return nil, fail(ErrSignature, err, "unable to verify signature: %v", err)
	case err != nil:
		return nil, fail(ErrInvalid, err, "not a valid pkg-vulnerabilities file: %v", err)
	}
	return f, nil
}

// verifyLocal checks the copy at o.Dest as a download would be checked,
// when a keyring or -s asks for verification: an "up to date" answer
// must not vouch for a file that fails it. Other copies are not read.
func verifyLocal(o *Options) error {
	if o.Keyring == nil && !o.RequireSignature {
		return nil
	}
	raw, err := os.ReadFile(o.Dest)
	if err != nil {
		return fail(ErrInvalid, err, "cannot read the local copy: %v", unwrapPath(err))
	}
	text, _, err := decompress.Unpack(raw, o.MaxUnpacked)
	if err != nil {
		return fail(ErrInvalid, err, "the local copy %s cannot be read: %v", o.Dest, err)
	}
	kind := o.Kind
	if kind == Auto {
		if kind, err = detectKind(text); err != nil {
			return err
		}
	}
	if kind == VuXML {
		if o.RequireSignature {
			return fail(ErrSignature, nil, "signature check (-s) asked for, but the local copy %s is a VuXML file, which carries no signature", o.Dest)
		}
		return nil
	}
	if _, err := checkPkgsrc(o, filepath.Base(o.Dest), text); err != nil {
		var r *reason
		if errors.As(err, &r) {
			r.msg = "the server has nothing newer, and the local copy " + o.Dest + " fails verification: " + r.msg
			return r
		}
		return err
	}
	return nil
}

// VerifyLocal is verifyLocal for callers that decide "up to date"
// themselves (--max-age): with a keyring or RequireSignature, the copy at
// o.Dest must pass the checks a download would. The error is an *Error.
func VerifyLocal(o Options) error {
	o.defaults()
	if err := verifyLocal(&o); err != nil {
		return &Error{URL: o.URL, Dest: o.Dest, Err: err}
	}
	return nil
}

// detectKind tells the kind of an unpacked download by feed's format
// detection; anything else is refused, saying what it looks like.
func detectKind(text []byte) (Kind, error) {
	switch f, what := feed.Detect(text); f {
	case feed.VuXML:
		return VuXML, nil
	case feed.Pkgsrc:
		return PkgVulnerabilities, nil
	case feed.OSV:
		what = "OSV records"
		fallthrough
	default:
		return Auto, fail(ErrInvalid, nil, "not a VuXML or pkg-vulnerabilities file: this is %s", what)
	}
}

// CheckVuXML checks that text is a whole VuXML document (a <vuxml> root,
// no external entities) and returns its number of entries. It uses the
// vuxml parser.
// name is used in messages.
func CheckVuXML(text []byte, name string, maxSize int64) (int, error) {
	if line, root := rootElement(text); root != "vuxml" {
		if root == "" {
			return 0, fmt.Errorf("%s: no <vuxml> root element", name)
		}
		return 0, fmt.Errorf("%s:%d: root element is <%s>, not <vuxml>", name, line, root)
	}
	doc, err := vuxml.Parse(text, vuxml.ParseOptions{FileName: name, NoExternalEntities: true, MaxSize: maxSize})
	if err != nil {
		return 0, err
	}
	return len(doc.Entries), nil
}

// rootElement finds the name and line of the first element of an XML
// text, past the declaration, comments, processing instructions and the
// document type declaration (with its internal subset).
func rootElement(text []byte) (line int, name string) {
	t := bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	i := 0
	for i < len(t) {
		switch {
		case t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n':
			i++
		case bytes.HasPrefix(t[i:], []byte("<?")):
			j := bytes.Index(t[i:], []byte("?>"))
			if j < 0 {
				return 0, ""
			}
			i += j + 2
		case bytes.HasPrefix(t[i:], []byte("<!--")):
			j := bytes.Index(t[i:], []byte("-->"))
			if j < 0 {
				return 0, ""
			}
			i += j + 3
		case bytes.HasPrefix(t[i:], []byte("<!")):
			// <!DOCTYPE ... [ ... ]>: skip to the '>' outside brackets and quotes.
			depth, quote := 0, byte(0)
			j := i + 2
			for ; j < len(t); j++ {
				c := t[j]
				if quote != 0 {
					if c == quote {
						quote = 0
					}
					continue
				}
				switch c {
				case '"', '\'':
					quote = c
				case '[':
					depth++
				case ']':
					depth--
				}
				if c == '>' && depth <= 0 {
					break
				}
			}
			if j >= len(t) {
				return 0, ""
			}
			i = j + 1
		case t[i] == '<':
			j := i + 1
			for j < len(t) && !strings.ContainsRune(" \t\r\n/>", rune(t[j])) {
				j++
			}
			n := string(t[i+1 : j])
			if k := strings.IndexByte(n, ':'); k >= 0 {
				n = n[k+1:]
			}
			return 1 + bytes.Count(t[:i], []byte("\n")), n
		default:
			return 0, ""
		}
	}
	return 0, ""
}

func formatLayers(l []decompress.Format) string {
	if len(l) == 0 {
		return "uncompressed"
	}
	s := make([]string, len(l))
	for i, f := range l {
		s[i] = string(f)
	}
	return strings.Join(s, "+")
}
