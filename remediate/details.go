package remediate

import (
	"os"
	"path/filepath"

	"github.com/pkgaudit/pkgaudit/osv"
)

// Details maps advisory ids to their descriptions in CommonMark, converted
// from the databases at paths: OSV records as they are (a directory, a
// file, a zip), the others through convert (VuXML descriptions become
// details; pkg-vulnerabilities lines have none worth showing). A database
// that cannot be converted gives none: the guides then go without.
func Details(paths []string, convert func(path string) ([]*osv.Vulnerability, error)) map[string]string {
	out := map[string]string{}
	for _, p := range paths {
		var vs []*osv.Vulnerability
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			recs, err := osv.ReadDir(p)
			if err != nil {
				continue
			}
			for _, r := range recs {
				vs = append(vs, r.Vuln)
			}
		} else if recs, err := convert(p); err == nil {
			vs = recs
		} else if recs, err := osv.ReadPath(filepath.Clean(p)); err == nil {
			for _, r := range recs {
				vs = append(vs, r.Vuln)
			}
		}
		for _, v := range vs {
			adv, ok, err := osv.ToAdvisory(v, osv.ConvertOptions{})
			if err != nil || !ok || adv.Source == "" {
				continue
			}
			if adv.Class != "" {
				continue // a pkgsrc line: its "details" only restate the line
			}
			if _, dup := out[adv.ID]; !dup && v.Details != "" {
				out[adv.ID] = v.Details
			}
		}
	}
	return out
}
