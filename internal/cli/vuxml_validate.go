package cli

import (
	"fmt"

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
file of its entry date. --list-checks describes every check.

One line per finding, in file order: FILE:LINE:COL: error|warning: MESSAGE [VID].
--format json writes {"files", "errors", "warnings", "findings": [{file, line,
col, severity, check, message, vid}]}.

Exit status: 0 no errors (warnings too with --strict), 1 errors found, 2 a
file cannot be read or parsed.`,
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
			for i, p := range args {
				doc, err := feed.ReadPlain(p, feed.Options{Formats: []feed.Format{feed.VuXML}})
				if err != nil {
					return &codeError{ExitError, err}
				}
				ins[i] = validate.Input{Path: p, Data: doc.Plain}
			}
			fs, err := validate.Inputs(ins, validate.Options{Now: env.Now(), Skip: skip, NoExternalEntities: noExternal})
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
				for _, f := range fs {
					fmt.Fprintln(env.Stdout, f.String())
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
