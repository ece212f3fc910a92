package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/vuxml/tidy"
)

func newVuxmlTidyCmd(env *Env) *cobra.Command {
	var write, check, sortEntries, whitespace bool
	c := &cobra.Command{
		Use:   "tidy [-w | --check] [--sort] [--whitespace] FILE...",
		Short: "Format VuXML as the port's tidy.xsl does, changing nothing else",
		Long: `Format VuXML files as security/vuxml's tidy.xsl defines it, byte for byte
everywhere else: the content of the 20 text-only elements (topic, name, lt, le,
eq, ge, gt, the references, discovery, entry, modified) is whitespace-
normalised (trimmed, runs collapsed to one space) — entity and character
references stay as written, references to white space count as white space;
vid hex digits are folded to lower case; top-level entries get tidy.xsl's
layout (two-space indent, one blank line between entries); CDATA sections
become escaped text; redundant namespace re-declarations go. Comments,
indentation, other elements and the XHTML body are kept as they are. Content
tidy.xsl would drop (a comment inside <name>, comments between entries) is
kept and reported on standard error.

The result goes to standard output (one FILE), or with -w replaces each
changed FILE atomically. --check changes nothing: it lists every place tidy
would change and exits 1 when a FILE is not tidy. --sort also orders the
entries by their last date, newest first, as the tidy.xsl of the monolithic
vuln.xml did (the current tidy.xsl keeps the order). --whitespace also removes
trailing blanks and re-tabs indentation as unexpand(1) does (make validate's
space/tab check).

Exit status: 0 tidy (or written), 1 --check found untidy files, 2 a file
cannot be read or is not XML.`,
		Example: `  pkgaudit vuxml tidy --check vuln/2026.xml
  pkgaudit vuxml tidy -w vuln/2026.xml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if write && check {
				return usageError("vuxml tidy: -w and --check exclude each other")
			}
			if !write && !check && len(args) > 1 {
				return usageError("vuxml tidy: one FILE to standard output; use -w or --check for several")
			}
			untidy := 0
			for _, path := range args {
				data, err := safeopen.ReadFile(path)
				if err != nil {
					return &codeError{ExitError, err}
				}
				// tidy rewrites the text as it is: it must be plain VuXML.
				if f, what := feed.Detect(data); f != feed.VuXML {
					if f != "" {
						what = f.Describe()
					}
					return &codeError{ExitError, fmt.Errorf("%s: this is %s, where VuXML is expected", path, what)}
				}
				if decompress.Sniff(data) != decompress.Plain {
					return &codeError{ExitError, fmt.Errorf("%s: compressed VuXML: tidy rewrites the text, decompress it first", path)}
				}
				res, err := tidy.Tidy(path, data, tidy.Options{Sort: sortEntries})
				if err != nil {
					return &codeError{ExitError, err}
				}
				for _, l := range res.Losses {
					fmt.Fprintf(env.Stderr, "%s:%d:%d: warning: %s (kept)\n", l.Pos.File, l.Pos.Line, l.Pos.Col, l.Msg)
				}
				out := res.Output
				var ws []tidy.SpaceIssue
				if whitespace {
					if ws, err = tidy.Whitespace(path, out); err != nil {
						return &codeError{ExitError, err}
					}
					out = tidy.FixWhitespace(out, ws)
				}
				changed := !bytes.Equal(out, data)
				switch {
				case check:
					if !changed {
						continue
					}
					untidy++
					for _, ch := range res.Changes {
						fmt.Fprintf(env.Stdout, "%s:%d:%d: %s\n", ch.Pos.File, ch.Pos.Line, ch.Pos.Col, ch.Msg)
					}
					if res.Sorted {
						fmt.Fprintf(env.Stdout, "%s: entries are not in order of their last date, newest first\n", path)
					}
					for _, w := range ws {
						fmt.Fprintf(env.Stdout, "%s:%d:%d: %s (in the tidied text)\n", w.Pos.File, w.Pos.Line, w.Pos.Col, w.Msg)
					}
				case write:
					if !changed {
						continue
					}
					st, err := os.Stat(path)
					if err != nil {
						return &codeError{ExitError, err}
					}
					if err := atomicfile.Write(path, st.Mode().Perm(), func(w io.Writer) error {
						_, err := w.Write(out)
						return err
					}); err != nil {
						return &codeError{ExitError, err}
					}
					fmt.Fprintf(env.Stderr, "pkgaudit: %s: %d change(s)\n", path, len(res.Changes)+len(ws))
				default:
					if _, err := env.Stdout.Write(out); err != nil {
						return err
					}
				}
			}
			if untidy > 0 {
				return exitCode(ExitFound)
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&write, "write", "w", false, "replace each FILE by its tidied form (atomically)")
	c.Flags().BoolVar(&check, "check", false, "change nothing; list what tidy would change and exit 1 if anything")
	c.Flags().BoolVar(&sortEntries, "sort", false, "order entries by last date, newest first (the old tidy.xsl)")
	c.Flags().BoolVar(&whitespace, "whitespace", false, "also strip trailing blanks and re-tab indentation as unexpand(1)")
	return c
}
