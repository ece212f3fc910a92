package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fetch"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// Test hooks: the temporary file of the replacement (a disk that fills up)
// and the HTTP transport (one that fails the test when used).
var (
	fetchCreateTemp func(dir, pattern string) (atomicfile.File, error)
	fetchTransport  http.RoundTripper
)

// fetchFlags are the options of `pkgaudit fetch` and `pkgaudit pkgsrc fetch`.
type fetchFlags struct {
	feed, out, conf, keyring string
	quiet, sign, force       bool
	offline, noCache         bool
	timeout                  time.Duration
	maxAge                   int
}

func (f *fetchFlags) register(c *cobra.Command, withFeed bool) {
	if withFeed {
		c.Flags().StringVar(&f.feed, "feed", "", "freebsd, pkgsrc, or the URL of a database (default: the host's, pkgsrc on NetBSD and pkgsrc systems, else freebsd; see 'pkgaudit config show')")
	}
	c.Flags().StringVarP(&f.out, "output", "o", "", "write the database to FILE (default $PKG_DBDIR/vuln.xml, $PKGVULNDIR/pkg-vulnerabilities)")
	c.Flags().StringVar(&f.conf, "config", "", "configuration file (default: the system and user pkgaudit.toml)")
	c.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but errors and warnings")
	c.Flags().BoolVarP(&f.sign, "sign", "s", false, "pkgsrc: require a good OpenPGP signature (keyring from --keyring or GPG_KEYRING_PKGVULN)")
	c.Flags().StringVar(&f.keyring, "keyring", "", "pkgsrc: OpenPGP keyring; when set, the signature is always checked")
	c.Flags().BoolVar(&f.force, "force", false, "download even when the local copy looks up to date")
	c.Flags().BoolVar(&f.offline, "offline", false, "never use the network (file:// URLs still work)")
	c.Flags().DurationVar(&f.timeout, "timeout", 0, "give up when the download takes longer (default fetch.timeout, 5m)")
	c.Flags().IntVar(&f.maxAge, "max-age", 0, "do nothing when the local copy was refreshed less than DAYS days ago (for periodic jobs)")
	c.Flags().BoolVar(&f.noCache, "no-cache", false, "do not compile the database's index into the cache directory for audit")
}

const fetchLong = `Download a vulnerability database and replace the local copy with it, only
once the new one has been checked completely:

  --feed freebsd   VULNXML_SITE (default https://vuxml.freebsd.org/freebsd/vuln.xml.xz)
                   into $PKG_DBDIR/vuln.xml, stored uncompressed, mode 0444, as pkg does;
  --feed pkgsrc    PKGVULNURL (default https://cdn.NetBSD.org/pub/NetBSD/packages/vulns/
                   pkg-vulnerabilities.gz) into $PKGVULNDIR/pkg-vulnerabilities, stored
                   as downloaded (compressed), mode 0644, as pkg_admin does;
  --feed URL       any http, https or file URL; the kind is told from the content and
                   -o FILE names the destination (guessed from the URL's name otherwise).

Without --feed, the host's feed: the database 'pkgaudit audit' reads by default
(pkgsrc on NetBSD and on systems with pkgsrc under /usr/pkg, /opt/pkg or
/opt/local; freebsd elsewhere; 'pkgaudit config show' says which).

The request is conditional (If-Modified-Since from the local file's time,
If-None-Match from the ETag remembered in .FILE.etag beside it): "up to date"
is success, with -s or a keyring only once the copy on disk verifies. The compression is told from the content (xz, gzip, bzip2, zstd or
none); the download (64 MiB) and the unpacked size (256 MiB) are capped; VuXML
must parse, pkg-vulnerabilities must parse with its #CHECKSUM lines and, with
-s or a keyring, a good OpenPGP signature. The replacement is atomic, its time
is the server's Last-Modified (never later than now), and on any failure the
previous copy is left exactly as it was.

Settings come from pkgaudit.toml ([fetch], [freebsd], [pkgsrc]; see
'pkgaudit config show') and the environment (PKG_DBDIR, VULNXML_SITE,
PKGVULNDIR, PKGVULNURL, GPG_KEYRING_PKGVULN, PKGAUDIT_OFFLINE).

Exit status: 0 fetched or up to date, 1 the signature verification asked
for failed (for a download, or for the local copy when the server has
nothing newer), 2 any other failure (one line on standard error saying why;
nothing was replaced).`

func newFetchCmd(env *Env) *cobra.Command {
	f := &fetchFlags{}
	c := &cobra.Command{
		Use:   "fetch [--feed freebsd|pkgsrc|URL] [-o FILE] [-q] [-s] [--offline]",
		Short: "Download the vulnerability database safely (conditional, capped, verified, atomic)",
		Long:  fetchLong,
		Example: `  pkgaudit fetch                        # the default feed of this system
  pkgaudit fetch --feed freebsd -o /tmp/vuln.xml
  pkgaudit fetch --feed pkgsrc -s --keyring /usr/pkg/etc/pkgsrc-security.gpg
  pkgaudit fetch --feed file:///media/usb/vuln.xml.xz --offline`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return fetchCommand(env, f)
		},
	}
	f.register(c, true)
	return c
}

func newFetchPkgsrcCmd(env *Env) *cobra.Command {
	f := &fetchFlags{feed: "pkgsrc"}
	c := &cobra.Command{
		Use:   "fetch [-s] [-o FILE] [-q] [--offline]",
		Short: "Like pkg_admin fetch-pkg-vulnerabilities: pkgaudit fetch --feed pkgsrc",
		Long: `Download pkgsrc's pkg-vulnerabilities from PKGVULNURL into
$PKGVULNDIR/pkg-vulnerabilities, as 'pkg_admin fetch-pkg-vulnerabilities'
does; the same as 'pkgaudit fetch --feed pkgsrc'. -s requires a good OpenPGP
signature (keyring --keyring FILE or GPG_KEYRING_PKGVULN). Unlike pkg_admin,
the request is always conditional (pkg_admin's -u; --force forces a download), and
errors exit 2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return fetchCommand(env, f)
		},
	}
	f.register(c, false)
	c.Flags().BoolP("update", "u", false, "accepted for pkg_admin compatibility: the request is always conditional")
	return c
}

func fetchCommand(env *Env, f *fetchFlags) error {
	cfg, err := env.loadConfig(f.conf)
	if err != nil {
		return &codeError{ExitError, err}
	}
	if f.offline {
		cfg.Fetch.Offline = true
	}
	if f.timeout > 0 {
		cfg.Fetch.Timeout = f.timeout
	}
	feed := f.feed
	if feed == "" {
		feed = cfg.DefaultFeed() // the database audit reads by default
	}
	res, err := fetchDo(env, cfg, fetchJob{feed: feed, dest: f.out, quiet: f.quiet, sign: f.sign, keyring: f.keyring, force: f.force, maxAge: f.maxAge})
	if err != nil {
		return err
	}
	cacheWarm(cacheDir(env, cfg, "", f.noCache), []string{res.Dest})
	return nil
}

// fetchJob is one fetch as the commands ask for it.
type fetchJob struct {
	feed    string // "freebsd", "pkgsrc" or a URL
	dest    string // "" for the feed's default
	quiet   bool
	sign    bool
	keyring string
	force   bool
	maxAge  int // days; 0: always ask the server
}

// fetchDo resolves a job against the configuration, runs it, and reports
// on standard error. Errors are *codeError with ExitError and one line.
func fetchDo(env *Env, cfg *config.Config, j fetchJob) (*fetch.Result, error) {
	o := fetch.Options{
		MaxDownload:      cfg.Fetch.MaxDownload,
		MaxUnpacked:      cfg.Fetch.MaxUnpacked,
		Timeout:          cfg.Fetch.Timeout,
		ConnectTimeout:   cfg.Fetch.ConnectTimeout,
		IdleTimeout:      cfg.Fetch.IdleTimeout,
		MaxRedirects:     cfg.Fetch.MaxRedirects,
		Offline:          cfg.Fetch.Offline,
		Force:            j.force,
		RequireSignature: j.sign,
		UserAgent:        "pkgaudit/" + Version + " (+https://github.com/pkgaudit/pkgaudit)",
		Now:              env.Now,
		Transport:        fetchTransport,
		CreateTemp:       fetchCreateTemp,
		Dest:             j.dest,
	}
	if cfg.Fetch.MaxRedirects == 0 {
		o.MaxRedirects = -1 // configured: none
	}
	keyring := j.keyring
	switch j.feed {
	case "freebsd":
		o.URL, o.Kind = cfg.FreeBSD.Site, fetch.VuXML
		if o.Dest == "" {
			o.Dest = cfg.FreeBSD.VulnXML
		}
		if j.sign {
			return nil, usageError("-s: FreeBSD's vuln.xml carries no signature (it is fetched over TLS)")
		}
	case "pkgsrc":
		o.URL, o.Kind = cfg.Pkgsrc.URL, fetch.PkgVulnerabilities
		if o.Dest == "" {
			o.Dest = cfg.Pkgsrc.VulnFile()
		}
		if keyring == "" {
			keyring = cfg.Pkgsrc.Keyring
		}
	default:
		if err := config.CheckURL(j.feed); err != nil {
			return nil, usageError("--feed: want freebsd, pkgsrc or a URL: %v", err)
		}
		o.URL = j.feed
		if o.Dest == "" {
			o.Dest, o.Kind = fetchGuessDest(cfg, j.feed)
			if o.Dest == "" {
				return nil, usageError("--feed %s: name the destination with -o FILE", j.feed)
			}
		}
		if keyring == "" && (o.Kind == fetch.PkgVulnerabilities || j.sign) {
			keyring = cfg.Pkgsrc.Keyring
		}
	}
	if keyring != "" {
		kr, err := fetchReadKeyring(keyring)
		if err != nil {
			return nil, &codeError{ExitError, err}
		}
		o.Keyring = kr
	}
	if j.maxAge > 0 && !j.force {
		if t, ok := fetch.LastChecked(o.Dest, env.Now()); ok && env.Now().Sub(t) < time.Duration(j.maxAge)*24*time.Hour {
			// Fresh enough not to ask the server, but never called fine
			// when it fails the verification asked for.
			if err := fetch.VerifyLocal(o); err != nil {
				return nil, fetchError(err, o.Dest)
			}
			if !j.quiet {
				fmt.Fprintf(env.Stderr, "pkgaudit: %s was refreshed less than %d days ago; not fetching\n", o.Dest, j.maxAge)
			}
			return &fetch.Result{URL: o.URL, Dest: o.Dest, UpToDate: true}, nil
		}
	}
	var bar *progressbar.ProgressBar
	if !j.quiet && env.IsTerminal != nil && env.IsTerminal(env.Stderr) {
		o.Progress = func(total int64) fetch.Progress {
			bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(env.Stderr),
				progressbar.OptionSetDescription(fetchBaseName(o.URL)),
				progressbar.OptionShowBytes(true),
				progressbar.OptionUseIECUnits(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetRenderBlankState(true),
				progressbar.OptionClearOnFinish(),
			)
			return fetchBar{bar}
		}
	}
	res, err := fetch.Run(context.Background(), o)
	if err != nil {
		return nil, fetchError(err, o.Dest)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stderr, "pkgaudit: warning: %s\n", w)
	}
	if !j.quiet {
		if res.UpToDate {
			fmt.Fprintf(env.Stderr, "pkgaudit: %s is up to date (%s)\n", o.Dest, o.URL)
		} else {
			how := "uncompressed"
			if len(res.Layers) > 0 {
				var l []string
				for _, f := range res.Layers {
					l = append(l, string(f))
				}
				how = strings.Join(l, "+")
			}
			fmt.Fprintf(env.Stderr, "pkgaudit: fetched %s (%s, %s): %d %s entries, %s; written to %s\n",
				o.URL, fetchSize(res.Downloaded), how, res.Entries, res.Kind, fetchSignedNote(o, res), o.Dest)
		}
	}
	return res, nil
}

func fetchSignedNote(o fetch.Options, res *fetch.Result) string {
	switch {
	case res.Kind != fetch.PkgVulnerabilities:
		return "parsed"
	case o.Keyring != nil:
		return "checksums and signature verified"
	}
	return "checksums verified"
}

// fetchError is a failed fetch as a command error: exit 1 when a
// signature verification failed, 2 for every other failure.
func fetchError(err error, dest string) error {
	code := ExitError
	if errors.Is(err, fetch.ErrSignature) {
		code = ExitFound
	}
	return &codeError{code, errors.New(fetchFailure(err, dest))}
}

// fetchFailure is the one line of a failed fetch.
func fetchFailure(err error, dest string) string {
	if _, serr := os.Stat(dest); serr == nil {
		return fmt.Sprintf("%v; %s left unchanged", err, dest)
	}
	return fmt.Sprintf("%v; nothing written", err)
}

// fetchGuessDest maps a URL's file name to a feed's database.
func fetchGuessDest(cfg *config.Config, raw string) (string, fetch.Kind) {
	name := fetchBaseName(raw)
	switch {
	case strings.HasPrefix(name, "pkg-vulnerabilities"):
		return cfg.Pkgsrc.VulnFile(), fetch.PkgVulnerabilities
	case strings.HasPrefix(name, "vuln") && strings.Contains(name, ".xml"):
		return cfg.FreeBSD.VulnXML, fetch.VuXML
	}
	return "", fetch.Auto
}

func fetchBaseName(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return path.Base(u.Path)
	}
	return path.Base(raw)
}

func fetchReadKeyring(p string) (openpgp.EntityList, error) {
	fh, err := safeopen.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read keyring: %w", err)
	}
	defer fh.Close()
	kr, err := pkgsrc.ReadKeyring(fh)
	if err != nil {
		return nil, fmt.Errorf("cannot read keyring %s: %w", p, err)
	}
	return kr, nil
}

func fetchSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// fetchBar adapts a progress bar to fetch.Progress.
type fetchBar struct{ b *progressbar.ProgressBar }

func (f fetchBar) Write(p []byte) (int, error) { return f.b.Write(p) }
func (f fetchBar) Finish()                     { f.b.Finish() }
