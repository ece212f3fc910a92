package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet/wire"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/inventory"
)

// Packages converts an inventory to the wire form; a bare name (no
// version) cannot be reported.
func Packages(pkgs []inventory.Package) ([]wire.Package, error) {
	out := make([]wire.Package, 0, len(pkgs))
	for _, p := range pkgs {
		if p.Versionless {
			return nil, fmt.Errorf("%s has no version: only installed packages (name-version) can be reported", p.Name)
		}
		w := wire.Package{Name: p.Name, Version: p.Version, Base: p.Base, Origin: p.Origin}
		if p.Scheme != 0 {
			w.World = p.Scheme.String()
		}
		out = append(out, w)
	}
	return out, nil
}

// JailInventories reads the installed packages of the running jails named
// (every running one for "all"), as jls(8) lists them. Each jail's
// database is read inside the jail's root only (inventory.FromPkgDBInRoot:
// no link out of the jail, no FIFO); a jail without a package database is
// an error, never an empty, clean inventory.
func JailInventories(ctx context.Context, names []string) ([]wire.Inventory, error) {
	running, err := Jails(ctx)
	if err != nil {
		return nil, err
	}
	return jailInventories(running, names)
}

func jailInventories(running []Jail, names []string) ([]wire.Inventory, error) {
	all := false
	want := map[string]bool{}
	for _, n := range names {
		if n == "all" {
			all = true
		}
		want[n] = true
	}
	var out []wire.Inventory
	for _, j := range running {
		if !all && !want[j.Name] {
			continue
		}
		delete(want, j.Name)
		pkgs, err := inventory.FromPkgDBInRoot(j.Path)
		if err != nil {
			if errors.Is(err, inventory.ErrNoRootPkgDB) {
				return nil, fmt.Errorf("jail %s: %w: nothing was audited there", j.Name, err)
			}
			return nil, fmt.Errorf("jail %s: %w", j.Name, err)
		}
		wp, err := Packages(pkgs)
		if err != nil {
			return nil, fmt.Errorf("jail %s: %w", j.Name, err)
		}
		out = append(out, wire.Inventory{Jail: j.Name, Packages: wp})
	}
	delete(want, "all")
	for n := range want {
		return nil, fmt.Errorf("jail %s is not running (jls lists no such jail)", n)
	}
	return out, nil
}

// HTTPClient is the agent's client: the whole-request timeout, and with
// caFile the server's certificate (or its private CA) as the only root.
func HTTPClient(timeout time.Duration, caFile string) (*http.Client, error) {
	hc := &http.Client{Timeout: timeout}
	if caFile == "" {
		return hc, nil
	}
	pem, err := safeopen.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-file %s holds no PEM certificate", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	hc.Transport = tr
	return hc, nil
}

// ReadToken is the token given, or the first line of tokenFile (kept out
// of ps(1)); one of them must be given.
func ReadToken(token, tokenFile string) (string, error) {
	if tokenFile != "" {
		if token != "" {
			return "", errors.New("--token and --token-file exclude each other")
		}
		data, err := safeopen.ReadFile(tokenFile)
		if err != nil {
			return "", err
		}
		for i, c := range data {
			if c == '\n' {
				data = data[:i]
				break
			}
		}
		token = string(trimSpace(data))
	}
	if token == "" {
		return "", errors.New("--token or --token-file is required")
	}
	return token, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
