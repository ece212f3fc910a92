package pkgsrc

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

// Names is a sequence of package names to audit: it calls yield for each
// until yield returns false, and returns what kept it from listing them
// all.
type Names func(yield func(string) bool) error

// List yields the given names (audit-pkg's operands).
func List(names []string) Names {
	return func(yield func(string) bool) error {
		for _, n := range names {
			if !yield(n) {
				break
			}
		}
		return nil
	}
}

// Installed yields, for each pattern in turn, the installed packages it
// matches, as pkg_admin audit walks them: a package matched by several
// patterns comes once per pattern.
func Installed(installed, patterns []string) Names {
	return func(yield func(string) bool) error {
		for _, pat := range patterns {
			for _, name := range installed {
				ok, err := pattern.Match(pat, name)
				if err != nil {
					return err
				}
				if ok && !yield(name) {
					return nil
				}
			}
		}
		return nil
	}
}

// BatchFiles yields the names of audit-batch's list files ("-" is stdin),
// read as BatchNames reads them.
func BatchFiles(files []string, stdin io.Reader) Names {
	return func(yield func(string) bool) error {
		for _, a := range files {
			in := stdin
			if a != "-" {
				fh, err := os.Open(a)
				if err != nil {
					return fmt.Errorf("Failed to open input file %s: %w", a, err)
				}
				defer fh.Close()
				in = fh
			}
			if !BatchNames(in, yield) {
				break
			}
		}
		return nil
	}
}

// AuditNames audits each name as Audit does, writing to w, and reports
// whether any line was written.
func (ix *Index) AuditNames(w io.Writer, names Names, o AuditOptions) (found bool, err error) {
	bw := bufio.NewWriter(w)
	var aerr error
	err = names(func(name string) bool {
		f, err := ix.Audit(bw, name, o)
		found = found || f
		aerr = err
		return err == nil
	})
	if ferr := bw.Flush(); err == nil && aerr == nil {
		err = ferr
	}
	if err == nil {
		err = aerr
	}
	return found, err
}
