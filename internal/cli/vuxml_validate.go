package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/vuxml/validate"
)

func newVuxmlValidateCmd(env *Env) *cobra.Command {
	var format string
	var strict, listChecks, noExternal bool
	var skip []string
	c := &cobra.Command{
		Use:   "validate [--format text|json] [--strict] [--skip CHECK]... FILE...",
		Short: "Check VuXML files as make validate does, and more",
		Long: `Check VuXML files — year fragments (vuln/YYYY.xml), whole documents or the
vuln.xml wrapper, whose included year files are checked with their own
positions — with every check of the ports tree's make validate (the DTD
structure, extra-validation.py, the tidy difference, the space/tab check) and
the checks no tool makes there: vids are lower-case RFC 4122 UUIDs unique
across all FILEs, dates are real, ordered and not in the future, topics,
CVE names and URLs are well formed, no template placeholder is left, ranges
are neither empty, inverted nor overlapping under FreeBSD version order, names
are not globs by accident, epochs are consistent, each entry is in the year
file of its entry date. --list-checks describes every check and where it
comes from; --skip CHECK leaves one out.

A FILE may be compressed (xz, gzip, bzip2, zstd): the positions are those of
the uncompressed text. A FILE that is not VuXML is refused, saying what it
looks like (a pkg-vulnerabilities file, OSV records, an HTML page, a report).

One line per finding on standard output, in file order:
FILE:LINE:COL: error|warning: MESSAGE [VID], then a summary line on standard
error. On a terminal "error" and "warning" are coloured (not with NO_COLOR,
nor when the output is piped), and while the files are read and checked a
progress bar shows on standard error when it is a terminal. --format json writes {"files", "errors",
"warnings", "findings": [{file, line, col, severity, check, message, vid}]}.

Exit status: 0 no errors (warnings too with --strict), 1 errors found (or,
with --strict, warnings), 2 a file cannot be read, is not VuXML or is not
well-formed XML (one line naming FILE:LINE:COL).`,
		Example: `  pkgaudit vuxml validate vuln/2026.xml
  pkgaudit vuxml validate --format json vuln.xml | jq '.findings[] | select(.severity == "error")'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if listChecks {
				return nil
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if listChecks {
				for _, ch := range validate.Checks {
					fmt.Fprintf(env.Stdout, "%-20s %s (%s)\n", ch.ID, ch.Doc, ch.Origin)
				}
				return nil
			}
			if format != "text" && format != "json" {
				return usageError("vuxml validate: --format must be text or json")
			}
			known := map[string]bool{}
			for _, ch := range validate.Checks {
				known[ch.ID] = true
			}
			for _, s := range skip {
				if !known[s] {
					return usageError("vuxml validate: --skip %s: no such check (see --list-checks)", s)
				}
			}
			// feed reads each file (decompressed, its format detected:
			// a pkg-vulnerabilities file or OSV records are refused by
			// name); validate parses and checks it.
			ins := make([]validate.Input, len(args))
			bar := env.progress(len(args)+1, "")
			defer bar.finish()
			for i, p := range args {
				bar.step("reading "+p, i)
				doc, err := feed.ReadPlain(p, feed.Options{Formats: []feed.Format{feed.VuXML}})
				if err != nil {
					return &codeError{ExitError, err}
				}
				ins[i] = validate.Input{Path: p, Data: doc.Plain}
			}
			bar.step("checking", len(args))
			fs, err := validate.Inputs(ins, validate.Options{Now: env.Now(), Skip: skip, NoExternalEntities: noExternal})
			bar.finish()
			if err != nil {
				return &codeError{ExitError, err}
			}
			errs, warns := validate.Count(fs)
			switch format {
			case "json":
				if err := validate.WriteJSON(env.Stdout, args, fs); err != nil {
					return err
				}
			default:
				colour := env.colour(env.Stdout)
				for _, f := range fs {
					line := f.String()
					if colour {
						line = colourSeverity(line, f)
					}
					fmt.Fprintln(env.Stdout, line)
				}
				if len(fs) > 0 {
					fmt.Fprintf(env.Stderr, "pkgaudit: %s\n", validate.Summary(fs))
				}
			}
			if errs > 0 || strict && warns > 0 {
				return exitCode(ExitFound)
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().BoolVar(&strict, "strict", false, "exit 1 on warnings too")
	c.Flags().StringArrayVar(&skip, "skip", nil, "a check not to run (repeatable; see --list-checks)")
	c.Flags().BoolVar(&listChecks, "list-checks", false, "describe every check and exit")
	c.Flags().BoolVar(&noExternal, "no-external-entities", false, "refuse the external entities of a vuln.xml wrapper (exit 2) instead of validating the year files they name")
	return c
}

// colourSeverity colours the "error" or "warning" of a finding's line.
func colourSeverity(line string, f validate.Finding) string {
	col := colourYellow
	if f.Severity == validate.Error {
		col = colourRed
	}
	sev := ": " + string(f.Severity) + ": "
	return strings.Replace(line, sev, ": "+col+string(f.Severity)+colourReset+": ", 1)
}
