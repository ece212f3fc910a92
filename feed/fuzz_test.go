package feed

import (
	"bytes"
	"compress/gzip"
	"os"
	"reflect"
	"testing"
)

// FuzzFeedParse: format detection and loading never panic, what loads
// converts into advisories with a block each, and Brief loads agree with
// full ones.
func FuzzFeedParse(f *testing.F) {
	f.Add([]byte("# $NetBSD$\n#FORMAT 1.1.0\n#\nfoo<1.0\tdos\thttp://x/CVE-2020-0001\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\n#FORMAT 1.1.0\nfoo-[0-9]*\teol\thttp://x\n-----BEGIN PGP SIGNATURE-----\n"))
	f.Add([]byte("<?xml version=\"1.0\"?>\n<vuxml><vuln vid=\"v\"><topic>t</topic><affects><package><name>foo</name><range><lt>1</lt></range></package></affects></vuln></vuxml>\n"))
	f.Add([]byte("\xef\xbb\xbf<vuln vid=\"v\"/>"))
	f.Add([]byte("{\"id\": \"OSV-1\"}"))
	if data, err := os.ReadFile("../testdata/vuxml/vuln-2003.xml"); err == nil {
		f.Add(data)
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(data)
		w.Close()
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := Parse("fuzz", data, Options{NoExternalEntities: true, MaxSize: 1 << 20})
		// Brief loads fail alike, or give the advisories as Brief allows
		// (VuXML ones; the other formats' are whole).
		bdb, berr := Parse("fuzz", data, Options{NoExternalEntities: true, MaxSize: 1 << 20, Brief: true})
		switch {
		case (err == nil) != (berr == nil) || err != nil && err.Error() != berr.Error():
			t.Fatalf("Brief: %v, full: %v", berr, err)
		case err == nil && len(bdb.Advisories) != len(db.Advisories):
			t.Fatalf("Brief: %d advisories, full: %d", len(bdb.Advisories), len(db.Advisories))
		case err == nil:
			for i := range db.Advisories {
				want := db.Advisories[i]
				if db.Format == VuXML {
					want = briefAdvisory(want)
				}
				if !reflect.DeepEqual(bdb.Advisories[i], want) {
					t.Fatalf("Brief: advisory %d:\n%+v\nwant %+v", i, bdb.Advisories[i], want)
				}
			}
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if db.Format == "" || db.Path != "fuzz" {
			t.Fatalf("info %+v", db.DatabaseInfo)
		}
		for _, a := range db.Advisories {
			if a.Source == "" {
				t.Fatalf("advisory without source: %+v", a)
			}
		}
	})
}
