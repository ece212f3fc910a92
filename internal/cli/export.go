package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/osv"
)

// exportOSVFlags are the options of pkgaudit export osv.
type exportOSVFlags struct {
	files      []string
	out, zip   string
	date       string
	config     string
	sourceList bool
}

const exportOSVLong = `Writes the entries of VuXML and pkg-vulnerabilities databases as OSV 1.7.5
JSON records: one file per entry, DIR/<id>.json, and/or one zip archive of
them (osv.dev's all.zip layout).

VuXML entries become FreeBSD-VUXML-<vid> records in the FreeBSD:ports
ecosystem (FreeBSD:base and FreeBSD:kernel for the names FreeBSD and
FreeBSD-kernel), one ECOSYSTEM range per <range> with its exact bounds in
database_specific; cancelled entries become withdrawn records.
pkg-vulnerabilities lines become x_PKGSRC-<hash> records in the non-standard
ecosystem "pkgsrc". pkgaudit audit reads the records back.

The output directory is replaced as a whole (written beside it, then renamed
into place); it may only hold *.json files. The zip is replaced atomically.

Databases: -f FILE, repeatable (detected from the content, compressed or
not); default $PKG_DBDIR/vuln.xml (freebsd.vulnxml in pkgaudit.toml).

Exit status: 0 written, 2 error.`

func newExportOSVCmd(env *Env) *cobra.Command {
	f := &exportOSVFlags{}
	c := &cobra.Command{
		Use:   "osv --out DIR [--zip FILE] [-f DB]...",
		Short: "Write VuXML and pkg-vulnerabilities entries as OSV JSON records",
		Long:  exportOSVLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exportOSV(env, f)
		},
	}
	fl := c.Flags()
	fl.StringArrayVarP(&f.files, "file", "f", nil, "vulnerability database (VuXML or pkg-vulnerabilities); repeatable")
	fl.StringVarP(&f.out, "out", "o", "", "directory to write the records to, one <id>.json each (replaced)")
	fl.StringVar(&f.zip, "zip", "", "also (or instead) write the records into this zip archive")
	fl.StringVar(&f.date, "date", "", "time (YYYY-MM-DD or RFC 3339) for entries without dates (default: the newest date of the VuXML document; the $NetBSD$ date of a pkg-vulnerabilities file)")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	fl.BoolVar(&f.sourceList, "source-list", false, "also accept pkgsrc's unsigned source list (#FORMAT 1.0.0)")
	return c
}

func exportOSV(env *Env, f *exportOSVFlags) error {
	if f.out == "" && f.zip == "" {
		return usageError("export osv: give --out DIR and/or --zip FILE")
	}
	var when time.Time
	if f.date != "" {
		var err error
		if when, err = parseTimeFlag(f.date); err != nil {
			return usageError("--date: %v", err)
		}
	}
	paths, err := databasePaths(env, f.files, f.config)
	if err != nil {
		return &codeError{ExitError, err}
	}
	var all []*osv.Vulnerability
	bar := env.progress(len(paths)+1, "")
	defer bar.finish()
	for i, p := range paths {
		bar.step("converting "+p, i)
		vs, err := exportRecords(p, when, f.sourceList)
		if err != nil {
			return &codeError{ExitError, err}
		}
		all = append(all, vs...)
	}
	bar.step(fmt.Sprintf("writing %d records", len(all)), len(paths))
	if f.out != "" {
		if err := osv.WriteDir(f.out, all); err != nil {
			return &codeError{ExitError, fmt.Errorf("writing %s: %w", f.out, err)}
		}
		bar.finish()
		fmt.Fprintf(env.Stdout, "%d records written to %s\n", len(all), f.out)
	}
	if f.zip != "" {
		if err := osv.WriteZip(f.zip, all); err != nil {
			if errors.Is(err, atomicfile.ErrIsDir) {
				return &codeError{ExitError, err}
			}
			return &codeError{ExitError, fmt.Errorf("writing %s: %w", f.zip, err)}
		}
		bar.finish()
		fmt.Fprintf(env.Stdout, "%d records written to %s\n", len(all), f.zip)
	}
	return nil
}

// exportRecords converts the database at path; its format is detected
// from the content.
func exportRecords(path string, when time.Time, sourceList bool) ([]*osv.Vulnerability, error) {
	src, err := readSourceDocument(path, sourceList)
	if err != nil {
		return nil, err
	}
	return src.OSVRecords(when)
}
