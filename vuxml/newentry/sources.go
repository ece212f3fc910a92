package newentry

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
)

// MaxAdvisory caps a security advisory's text (the longest are about 30 KB).
const MaxAdvisory = 1 << 20

// Sources are what fills an entry in besides Options: CVE records (saved
// files or fetched from a provider) or a FreeBSD security advisory (a saved
// text or fetched). The zero value builds the plain template.
type Sources struct {
	Provider    string   // nvd, mitre or euvd: fetch the record of each Options.CVEs
	ProviderURL string   // the provider's base URL ("" its public API)
	CVEJSON     []string // saved records; "-" reads Stdin (once)
	Stdin       io.Reader
	SA          string // FreeBSD-SA-YY:NN.name to fetch from SAURL
	SAFile      string // a saved advisory text
	SAURL       string // where advisories are fetched from ("" freebsdsa.DefaultBaseURL)
	Offline     bool   // never use the network
	Timeout     time.Duration
	NVDAPIKey   string
	UserAgent   string
	Transport   http.RoundTripper // nil: the default
}

// Build returns the entry text of o filled in from the sources. Every
// error is one line, prefixed "vuxml new: " when the sources were asked
// for wrongly.
func (s *Sources) Build(ctx context.Context, o Options) (string, error) {
	if s.ProviderURL != "" && s.Provider == "" {
		return "", errors.New("vuxml new: --provider-url needs --provider")
	}
	if s.SAURL != "" && s.SA == "" {
		return "", errors.New("vuxml new: --sa-url needs --sa")
	}
	var e string
	var err error
	switch {
	case s.SA != "" || s.SAFile != "":
		if s.Provider != "" || len(s.CVEJSON) > 0 {
			return "", errors.New("vuxml new: --sa/--sa-file and --provider/--cve-json are different kinds of entry; give one")
		}
		a, aerr := s.advisory(ctx)
		if aerr != nil {
			return "", aerr
		}
		e, err = FromAdvisory(o, a)
	case s.Provider != "" || len(s.CVEJSON) > 0:
		recs, rerr := s.records(ctx, o)
		if rerr != nil {
			return "", rerr
		}
		e, err = FromRecords(o, recs)
	default:
		e, err = Entry(o)
	}
	if err != nil {
		return "", fmt.Errorf("vuxml new: %v", err)
	}
	return e, nil
}

// records reads the CVEJSON files and fetches the records of o.CVEs.
func (s *Sources) records(ctx context.Context, o Options) ([]*cverecord.Record, error) {
	var recs []*cverecord.Record
	wantIDs := map[string]bool{}
	if s.Provider == "" {
		for _, c := range o.CVEs {
			id, err := cverecord.CheckID(c)
			if err != nil {
				return nil, fmt.Errorf("vuxml new: --cve: %v", err)
			}
			wantIDs[id] = true
		}
	}
	stdinUsed := false
	for _, f := range s.CVEJSON {
		var data []byte
		var err error
		if f == "-" {
			if stdinUsed {
				return nil, errors.New("vuxml new: --cve-json - (standard input) can be given once")
			}
			stdinUsed = true
			data, err = io.ReadAll(io.LimitReader(s.Stdin, cverecord.DefaultMaxSize+1))
			if err == nil && int64(len(data)) > cverecord.DefaultMaxSize {
				err = fmt.Errorf("standard input: larger than the %d-byte limit", cverecord.DefaultMaxSize)
			}
			f = "<stdin>"
		} else {
			data, err = ReadCapped(f, cverecord.DefaultMaxSize)
		}
		if err != nil {
			return nil, err
		}
		want := ""
		if len(wantIDs) == 1 && len(s.CVEJSON) == 1 {
			for id := range wantIDs {
				want = id
			}
		}
		r, err := cverecord.Parse(f, data, want)
		if err != nil {
			return nil, err
		}
		if len(wantIDs) > 0 && !wantIDs[r.ID] {
			return nil, fmt.Errorf("%s: the record is for %s, which no --cve names", f, r.ID)
		}
		recs = append(recs, r)
	}
	if s.Provider != "" {
		p, err := cverecord.ParseProvider(s.Provider)
		if err != nil {
			return nil, fmt.Errorf("vuxml new: --provider: %v", err)
		}
		if len(o.CVEs) == 0 {
			return nil, fmt.Errorf("vuxml new: --provider %s needs the CVE to fetch: --cve ID", p)
		}
		c := &cverecord.Client{BaseURL: s.ProviderURL, Offline: s.Offline, NVDAPIKey: s.NVDAPIKey, Timeout: s.Timeout,
			UserAgent: s.UserAgent, Transport: s.Transport}
		for _, id := range o.CVEs {
			if _, err := cverecord.CheckID(id); err != nil {
				return nil, fmt.Errorf("vuxml new: --cve: %v", err)
			}
			r, err := c.Fetch(ctx, p, id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
	}
	return recs, nil
}

// advisory reads SAFile or fetches SA.
func (s *Sources) advisory(ctx context.Context) (*freebsdsa.Advisory, error) {
	name := ""
	if s.SA != "" {
		n, err := freebsdsa.CheckName(s.SA)
		if err != nil {
			return nil, fmt.Errorf("vuxml new: --sa: %v", err)
		}
		name = n
	}
	var data []byte
	file := s.SAFile
	if file != "" {
		d, err := ReadCapped(file, MaxAdvisory)
		if err != nil {
			return nil, err
		}
		data = d
	} else {
		u := freebsdsa.URL(s.SAURL, name)
		file = u
		if s.Offline {
			return nil, fmt.Errorf("%s: offline mode: not using the network (give the saved advisory with --sa-file FILE)", u)
		}
		resp, err := httpget.Get(ctx, httpget.Options{URL: u, MaxSize: MaxAdvisory, Transport: s.Transport, Timeout: s.Timeout,
			Header: http.Header{"User-Agent": {s.UserAgent}}})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", u, err)
		}
		if resp.Status != http.StatusOK {
			return nil, fmt.Errorf("%s: server said %s", u, resp.StatusText)
		}
		data = resp.Body
	}
	a, err := freebsdsa.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if name != "" && a.Name != name {
		return nil, fmt.Errorf("%s: the text is advisory %s, not %s", file, a.Name, name)
	}
	return a, nil
}

// ReadCapped reads a regular file of at most max bytes (a FIFO or device
// is refused before it is opened).
func ReadCapped(path string, max int64) ([]byte, error) {
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
		return nil, fmt.Errorf("%s: larger than the %d-byte limit", path, max)
	}
	return data, nil
}
