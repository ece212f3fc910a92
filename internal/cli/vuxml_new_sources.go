package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/httpget"
	"github.com/pkgaudit/pkgaudit/vuxml/cverecord"
	"github.com/pkgaudit/pkgaudit/vuxml/freebsdsa"
	"github.com/pkgaudit/pkgaudit/vuxml/newentry"
)

const defaultSAURL = freebsdsa.DefaultBaseURL

// maxAdvisory caps an advisory text (the longest are about 30 KB).
const maxAdvisory = 1 << 20

// vuxmlNewTransport carries the requests of vuxml new (nil: the default);
// tests replace it to prove nothing is dialled.
var vuxmlNewTransport http.RoundTripper

// newSources are the flags of vuxml new that fill an entry from a CVE
// record or a security advisory.
type newSources struct {
	provider, providerURL string
	cveJSON               []string
	sa, saFile, saURL     string
	offline               bool
	timeout               time.Duration
}

// entry builds the entry text from o and the sources.
func (s *newSources) entry(env *Env, o newentry.Options) (string, error) {
	ctx := context.Background()
	if s.providerURL != "" && s.provider == "" {
		return "", usageError("vuxml new: --provider-url needs --provider")
	}
	if s.saURL != "" && s.sa == "" {
		return "", usageError("vuxml new: --sa-url needs --sa")
	}
	switch {
	case s.sa != "" || s.saFile != "":
		if s.provider != "" || len(s.cveJSON) > 0 {
			return "", usageError("vuxml new: --sa/--sa-file and --provider/--cve-json are different kinds of entry; give one")
		}
		a, err := s.advisory(ctx)
		if err != nil {
			return "", err
		}
		e, err := newentry.FromAdvisory(o, a)
		if err != nil {
			return "", usageError("vuxml new: %v", err)
		}
		return e, nil
	case s.provider != "" || len(s.cveJSON) > 0:
		recs, err := s.records(ctx, env, &o)
		if err != nil {
			return "", err
		}
		e, err := newentry.FromRecords(o, recs)
		if err != nil {
			return "", usageError("vuxml new: %v", err)
		}
		return e, nil
	}
	e, err := newentry.Entry(o)
	if err != nil {
		return "", usageError("vuxml new: %v", err)
	}
	return e, nil
}

// records reads the --cve-json files and fetches the --cve records.
func (s *newSources) records(ctx context.Context, env *Env, o *newentry.Options) ([]*cverecord.Record, error) {
	var recs []*cverecord.Record
	wantIDs := map[string]bool{}
	if s.provider == "" {
		for _, c := range o.CVEs {
			id, err := cverecord.CheckID(c)
			if err != nil {
				return nil, usageError("vuxml new: --cve: %v", err)
			}
			wantIDs[id] = true
		}
	}
	stdinUsed := false
	for _, f := range s.cveJSON {
		var data []byte
		var err error
		if f == "-" {
			if stdinUsed {
				return nil, usageError("vuxml new: --cve-json - (standard input) can be given once")
			}
			stdinUsed = true
			data, err = io.ReadAll(io.LimitReader(env.Stdin, cverecord.DefaultMaxSize+1))
			if err == nil && int64(len(data)) > cverecord.DefaultMaxSize {
				err = fmt.Errorf("standard input: larger than the %d-byte limit", cverecord.DefaultMaxSize)
			}
			f = "<stdin>"
		} else {
			data, err = readCapped(f, cverecord.DefaultMaxSize)
		}
		if err != nil {
			return nil, &codeError{ExitError, err}
		}
		want := ""
		if len(wantIDs) == 1 && len(s.cveJSON) == 1 {
			for id := range wantIDs {
				want = id
			}
		}
		r, err := cverecord.Parse(f, data, want)
		if err != nil {
			return nil, &codeError{ExitError, err}
		}
		if len(wantIDs) > 0 && !wantIDs[r.ID] {
			return nil, &codeError{ExitError, fmt.Errorf("%s: the record is for %s, which no --cve names", f, r.ID)}
		}
		recs = append(recs, r)
	}
	if s.provider != "" {
		p, err := cverecord.ParseProvider(s.provider)
		if err != nil {
			return nil, usageError("vuxml new: --provider: %v", err)
		}
		if len(o.CVEs) == 0 {
			return nil, usageError("vuxml new: --provider %s needs the CVE to fetch: --cve ID", p)
		}
		c := &cverecord.Client{BaseURL: s.providerURL, Offline: s.offline, NVDAPIKey: env.Getenv("NVD_API_KEY"), Timeout: s.timeout,
			UserAgent: "pkgaudit/" + Version, Transport: vuxmlNewTransport}
		for _, id := range o.CVEs {
			if _, err := cverecord.CheckID(id); err != nil {
				return nil, usageError("vuxml new: --cve: %v", err)
			}
			r, err := c.Fetch(ctx, p, id)
			if err != nil {
				return nil, &codeError{ExitError, err}
			}
			recs = append(recs, r)
		}
	}
	return recs, nil
}

// advisory reads --sa-file or fetches --sa.
func (s *newSources) advisory(ctx context.Context) (*freebsdsa.Advisory, error) {
	name := ""
	if s.sa != "" {
		n, err := freebsdsa.CheckName(s.sa)
		if err != nil {
			return nil, usageError("vuxml new: --sa: %v", err)
		}
		name = n
	}
	var data []byte
	file := s.saFile
	if file != "" {
		d, err := readCapped(file, maxAdvisory)
		if err != nil {
			return nil, &codeError{ExitError, err}
		}
		data = d
	} else {
		u := freebsdsa.URL(s.saURL, name)
		file = u
		if s.offline {
			return nil, &codeError{ExitError, fmt.Errorf("%s: offline mode: not using the network (give the saved advisory with --sa-file FILE)", u)}
		}
		resp, err := httpget.Get(ctx, httpget.Options{URL: u, MaxSize: maxAdvisory, Transport: vuxmlNewTransport, Timeout: s.timeout,
			Header: http.Header{"User-Agent": {"pkgaudit/" + Version}}})
		if err != nil {
			return nil, &codeError{ExitError, fmt.Errorf("%s: %v", u, err)}
		}
		if resp.Status != http.StatusOK {
			return nil, &codeError{ExitError, fmt.Errorf("%s: server said %s", u, resp.StatusText)}
		}
		data = resp.Body
	}
	a, err := freebsdsa.Parse(file, data)
	if err != nil {
		return nil, &codeError{ExitError, err}
	}
	if name != "" && a.Name != name {
		return nil, &codeError{ExitError, fmt.Errorf("%s: the text is advisory %s, not %s", file, a.Name, name)}
	}
	return a, nil
}

// readCapped reads a regular file of at most max bytes.
func readCapped(path string, max int64) ([]byte, error) {
	// Stat first: opening a FIFO would block.
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, errors.New(path + ": larger than the " + fmt.Sprint(max) + "-byte limit")
	}
	return data, nil
}
