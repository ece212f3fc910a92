package feed

import (
	"bytes"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// sniffPkgsrc accepts what can start a pkg-vulnerabilities file: the
// OpenPGP clear-signature header, a '#' header line (# $NetBSD, #FORMAT),
// or the empty and Hash: lines pkg_install skips before #FORMAT.
func sniffPkgsrc(b []byte) bool {
	return bytes.HasPrefix(b, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) ||
		bytes.HasPrefix(b, []byte("#")) || bytes.HasPrefix(b, []byte("Hash:")) ||
		bytes.HasPrefix(b, []byte("\n"))
}

func parsePkgsrc(src *source) (*Database, error) {
	opts := pkgsrc.Options{MaxSize: src.opts.MaxSize, SourceList: src.opts.PkgsrcSourceList}
	var f *pkgsrc.File
	var err error
	verified := src.opts.Keyring != nil
	if verified {
		// The signature is checked before anything is parsed, as
		// pkg_install does, and what is parsed is the signed text.
		f, err = pkgsrc.ParseVerified(src.name, src.plain, src.opts.Keyring, opts)
	} else {
		f, err = pkgsrc.Parse(src.name, src.plain, opts)
	}
	if err != nil {
		return nil, err
	}
	db := &Database{Advisories: FromPkgsrc(f, src.name)}
	db.Entries = len(f.Entries)
	db.NetBSDID = f.NetBSDID
	db.Signed = f.Signed
	db.Verified = verified
	db.Warnings = f.Warnings
	return db, nil
}

// FromPkgsrc converts the entries of a pkg-vulnerabilities file called
// name into advisories, one per entry line in file order: ID and URL are
// the line's URL, Topic and Class its classification, Affects one pkgsrc
// block with the pattern, References the URL, CVEs the CVE names in it.
func FromPkgsrc(f *pkgsrc.File, name string) []advisory.Advisory {
	advs := make([]advisory.Advisory, len(f.Entries))
	// One backing array for the blocks and references of every entry.
	blocks := make([]advisory.Affected, len(f.Entries))
	refs := make([]advisory.Reference, len(f.Entries))
	for i, e := range f.Entries {
		blocks[i] = advisory.Affected{Scheme: advisory.Pkgsrc, Kind: advisory.Package, Pattern: e.Pattern}
		refs[i] = advisory.Reference{Kind: "url", Value: e.URL}
		advs[i] = advisory.Advisory{
			ID:         e.URL,
			Source:     advisory.SourcePkgsrc,
			Topic:      e.Class,
			Class:      e.Class,
			URL:        e.URL,
			References: refs[i : i+1 : i+1],
			CVEs:       advisory.CVEsIn(e.URL),
			Affects:    blocks[i : i+1 : i+1],
			Origin:     advisory.Origin{File: name, Line: e.Line},
		}
	}
	return advs
}
