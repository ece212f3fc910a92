package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fetch"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
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
		Long: `Download pkgsrc's pkg-vulnerabilities from PKGVULNURL (pkgsrc.url in
pkgaudit.toml; default https://cdn.NetBSD.org/pub/NetBSD/packages/vulns/
pkg-vulnerabilities.gz) into $PKGVULNDIR/pkg-vulnerabilities (or -o FILE),
as 'pkg_admin fetch-pkg-vulnerabilities' does; the same as
'pkgaudit fetch --feed pkgsrc'.

The download is capped (64 MiB, 256 MiB unpacked), must parse, and its
#CHECKSUM lines must verify. When a keyring is known (--keyring FILE,
GPG_KEYRING_PKGVULN, pkgsrc.keyring) the OpenPGP signature is checked too;
-s makes a good signature required (no keyring is then an error). The file
is stored as downloaded (still compressed), mode 0644, replaced atomically
only once all of that passed; on any failure the previous file is left as
it was. Then the compiled index that audit uses is written to the cache
directory (not with --no-cache).

Unlike pkg_admin, the request is always conditional (If-Modified-Since,
If-None-Match; -u is accepted and changes nothing; --force downloads
anyway), --max-age DAYS skips the request for a copy refreshed less than
DAYS days ago, and --config names pkgaudit.toml (pkg_install.conf settings
come from the environment and the host's pkg_install.conf).

Exit status: 0 fetched or up to date, 1 the signature check failed, 2 any
other error (nothing replaced).`,
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
	res, err := fetchDo(env, cfg, fetchJob{Job: fetch.Job{Feed: feed, Dest: f.out, Sign: f.sign, Keyring: f.keyring, Force: f.force}, quiet: f.quiet, maxAge: f.maxAge})
	if err != nil {
		return err
	}
	cacheWarm(cacheDir(env, cfg, "", f.noCache), []string{res.Dest})
	return nil
}

// fetchJob is one fetch as the commands ask for it.
type fetchJob struct {
	fetch.Job
	quiet  bool
	maxAge int // days; 0: always ask the server
}

// fetchDo plans a job from the configuration (fetch.Plan), runs it, and
// reports on standard error. Errors are *codeError with one line.
func fetchDo(env *Env, cfg *config.Config, j fetchJob) (*fetch.Result, error) {
	o, err := fetch.Plan(cfg, j.Job)
	if err != nil {
		if errors.As(err, new(*fetch.JobError)) {
			err = badUsage{err}
		}
		return nil, &codeError{ExitError, err}
	}
	o.UserAgent = "pkgaudit/" + Version + " (+https://github.com/pkgaudit/pkgaudit)"
	o.Now, o.Transport, o.CreateTemp = env.Now, fetchTransport, fetchCreateTemp
	if fetch.FreshEnough(o, j.maxAge, env.Now()) {
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
	if !j.quiet && env.IsTerminal != nil && env.IsTerminal(env.Stderr) {
		o.Progress = func(total int64) fetch.Progress { return fetchBar{newBar(env, total, fetch.BaseName(o.URL), true)} }
	}
	res, err := fetch.Run(context.Background(), o)
	if err != nil {
		return nil, fetchError(err, o.Dest)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stderr, "pkgaudit: warning: %s\n", w)
	}
	if !j.quiet {
		fmt.Fprintf(env.Stderr, "pkgaudit: %s\n", fetch.Summary(o, res))
	}
	return res, nil
}

// fetchError is a failed fetch as a command error: exit 1 when a
// signature verification failed, 2 for every other failure.
func fetchError(err error, dest string) error {
	code := ExitError
	if errors.Is(err, fetch.ErrSignature) {
		code = ExitFound
	}
	return &codeError{code, errors.New(fetch.FailureMessage(err, dest))}
}

// newBar is a progress bar on standard error.
func newBar(env *Env, total int64, desc string, bytes bool) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(bytes),
		progressbar.OptionShowCount(),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionClearOnFinish(),
	)
}

// fetchBar adapts a progress bar to fetch.Progress.
type fetchBar struct{ b *progressbar.ProgressBar }

func (f fetchBar) Write(p []byte) (int, error) { return f.b.Write(p) }
func (f fetchBar) Finish()                     { f.b.Finish() }
