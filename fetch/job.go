package fetch

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// Job is one fetch as a user asks for it: a feed name and flags, before
// the configuration says where and how.
type Job struct {
	Feed    string // "freebsd", "pkgsrc" or a URL
	Dest    string // "" for the feed's default
	Sign    bool   // require a good OpenPGP signature (pkgsrc)
	Keyring string // "" for the configured one, when one is needed
	Force   bool   // unconditional request
}

// Plan maps a job to the Options of its fetch from cfg: the feed's URL,
// kind and destination (a URL's destination is guessed from its file
// name), the limits and timeouts of [fetch], and the keyring, read. The
// caller adds the hooks (Transport, Progress, Now, CreateTemp) and the
// UserAgent. Errors are one line.
func Plan(cfg *config.Config, j Job) (Options, error) {
	o := Options{
		MaxDownload:      cfg.Fetch.MaxDownload,
		MaxUnpacked:      cfg.Fetch.MaxUnpacked,
		Timeout:          cfg.Fetch.Timeout,
		ConnectTimeout:   cfg.Fetch.ConnectTimeout,
		IdleTimeout:      cfg.Fetch.IdleTimeout,
		MaxRedirects:     cfg.Fetch.MaxRedirects,
		Offline:          cfg.Fetch.Offline,
		Force:            j.Force,
		RequireSignature: j.Sign,
		Dest:             j.Dest,
	}
	if cfg.Fetch.MaxRedirects == 0 {
		o.MaxRedirects = -1 // configured: none
	}
	keyring := j.Keyring
	switch j.Feed {
	case "freebsd":
		o.URL, o.Kind = cfg.FreeBSD.Site, VuXML
		if o.Dest == "" {
			o.Dest = cfg.FreeBSD.VulnXML
		}
		if j.Sign {
			return o, &JobError{errors.New("-s: FreeBSD's vuln.xml carries no signature (it is fetched over TLS)")}
		}
	case "pkgsrc":
		o.URL, o.Kind = cfg.Pkgsrc.URL, PkgVulnerabilities
		if o.Dest == "" {
			o.Dest = cfg.Pkgsrc.VulnFile()
		}
		if keyring == "" {
			keyring = cfg.Pkgsrc.Keyring
		}
	default:
		if err := config.CheckURL(j.Feed); err != nil {
			return o, &JobError{fmt.Errorf("--feed: want freebsd, pkgsrc or a URL: %v", err)}
		}
		o.URL = j.Feed
		if o.Dest == "" {
			o.Dest, o.Kind = guessDest(cfg, j.Feed)
			if o.Dest == "" {
				return o, &JobError{fmt.Errorf("--feed %s: name the destination with -o FILE", j.Feed)}
			}
		}
		if keyring == "" && (o.Kind == PkgVulnerabilities || j.Sign) {
			keyring = cfg.Pkgsrc.Keyring
		}
	}
	if keyring != "" {
		kr, err := pkgsrc.ReadKeyringFile(keyring)
		if err != nil {
			return o, err
		}
		o.Keyring = kr
	}
	return o, nil
}

// JobError is a job that cannot be run as asked (an unknown feed, a
// destination to name, -s where there is no signature), as opposed to a
// failure of its configuration or keyring.
type JobError struct{ Err error }

func (e *JobError) Error() string { return e.Err.Error() }
func (e *JobError) Unwrap() error { return e.Err }

// FreshEnough reports whether o.Dest was refreshed less than maxAge days
// before now (0: never), so that a periodic job need not ask the server.
func FreshEnough(o Options, maxAge int, now time.Time) bool {
	if maxAge <= 0 || o.Force {
		return false
	}
	t, ok := LastChecked(o.Dest, now)
	return ok && now.Sub(t) < time.Duration(maxAge)*24*time.Hour
}

// FailureMessage is the one line of a failed fetch: the error and what
// became of dest (left unchanged, or nothing written).
func FailureMessage(err error, dest string) string {
	if _, serr := os.Stat(dest); serr == nil {
		return fmt.Sprintf("%v; %s left unchanged", err, dest)
	}
	return fmt.Sprintf("%v; nothing written", err)
}

// Summary is the line that reports a completed fetch of o.
func Summary(o Options, res *Result) string {
	if res.UpToDate {
		return fmt.Sprintf("%s is up to date (%s)", o.Dest, o.URL)
	}
	how := "uncompressed"
	if len(res.Layers) > 0 {
		var l []string
		for _, f := range res.Layers {
			l = append(l, string(f))
		}
		how = strings.Join(l, "+")
	}
	signed := "parsed"
	switch {
	case res.Kind != PkgVulnerabilities:
	case o.Keyring != nil:
		signed = "checksums and signature verified"
	default:
		signed = "checksums verified"
	}
	return fmt.Sprintf("fetched %s (%s, %s): %d %s entries, %s; written to %s",
		o.URL, size(res.Downloaded), how, res.Entries, res.Kind, signed, o.Dest)
}

// guessDest maps a URL's file name to a feed's database.
func guessDest(cfg *config.Config, raw string) (string, Kind) {
	name := BaseName(raw)
	switch {
	case strings.HasPrefix(name, "pkg-vulnerabilities"):
		return cfg.Pkgsrc.VulnFile(), PkgVulnerabilities
	case strings.HasPrefix(name, "vuln") && strings.Contains(name, ".xml"):
		return cfg.FreeBSD.VulnXML, VuXML
	}
	return "", Auto
}

// BaseName is the file name of a URL's path.
func BaseName(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return path.Base(u.Path)
	}
	return path.Base(raw)
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
