package cli

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/vuxml/newentry"
)

func init() { registerSub("vuxml", newVuxmlNewCmd) }

// vuxmlNewVID generates the vid of a new entry; tests replace it.
var vuxmlNewVID = newentry.NewVID

func newVuxmlNewCmd(env *Env) *cobra.Command {
	var o newentry.Options
	var dir, out string
	var edit bool
	var uuidVersion int
	c := &cobra.Command{
		Use:   "new [FILE] [--dir PORTDIR] [-o -] [--package NAME]... [--ge V] [--lt V] [--cve ID]... [--topic TEXT] [--url URL]",
		Short: "Add a new entry template at the top of the current year file",
		Long: `Add a new VuXML entry at the top of a year file, as make newentry
(newentry.sh) does: a fresh lower-case vid, today's entry date (UTC), a
discovery date of YYYY-MM-FIXME and newentry's markers (" -- " topic, empty
name and version, "SO-AND-SO reports:", "INSERT URL HERE", "INSERT SAME URL
HERE", <p>.</p>), in newentry.sh's exact layout, followed by a blank line.
The entry fails "pkgaudit vuxml validate" until every marker is replaced.

The file is FILE, or vuln/<current UTC year>.xml of the security/vuxml port:
--dir PORTDIR, else the port directory the current directory is in, else
$PORTSDIR/security/vuxml. It is replaced atomically. With -o - the entry is
written to standard output and no file is touched.

--package (repeatable), --ge, --lt, --cve (repeatable), --topic and --url fill
the template in (text is XML-escaped). The vid is a random (version 4) UUID;
--uuid 1 gives a time-based one as FreeBSD's uuidgen(1) does. $EDITOR (default
vi) is run on the file only with --edit.`,
		Example: `  cd /usr/ports/security/vuxml && pkgaudit vuxml new --package curl --lt 8.15.0 --cve CVE-2026-1234
  pkgaudit vuxml new -o - --topic "curl -- header injection"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Now = env.Now()
			if out != "" && out != "-" {
				return usageError("vuxml new: -o takes only - (standard output)")
			}
			vid, err := vuxmlNewVID(uuidVersion)
			if err != nil {
				return usageError("vuxml new: %v", err)
			}
			o.VID = vid
			entry, err := newentry.Entry(o)
			if err != nil {
				return usageError("vuxml new: %v", err)
			}
			if out == "-" {
				if len(args) > 0 || dir != "" {
					return usageError("vuxml new: -o - writes only the entry; give no FILE or --dir")
				}
				_, err := io.WriteString(env.Stdout, entry)
				return err
			}
			path := ""
			switch {
			case len(args) == 1:
				if dir != "" {
					return usageError("vuxml new: give FILE or --dir, not both")
				}
				path = args[0]
			default:
				if dir == "" {
					cwd, err := os.Getwd()
					if err != nil {
						return &codeError{ExitError, err}
					}
					if dir, err = newentry.FindPortDir(cwd, env.Getenv("PORTSDIR")); err != nil {
						return usageError("vuxml new: %v", err)
					}
				}
				path = newentry.YearFile(dir, o.Now)
			}
			st, err := os.Stat(path)
			if err != nil {
				if os.IsNotExist(err) {
					return &codeError{ExitError, fmt.Errorf("%s does not exist: a new year file must be created and declared in vuln.xml first", path)}
				}
				return &codeError{ExitError, err}
			}
			data, err := safeopen.ReadFile(path)
			if err != nil {
				return &codeError{ExitError, err}
			}
			result, line := newentry.Insert(data, entry)
			if err := atomicfile.Write(path, st.Mode().Perm(), func(w io.Writer) error {
				_, err := w.Write(result)
				return err
			}); err != nil {
				return &codeError{ExitError, err}
			}
			fmt.Fprintf(env.Stderr, "pkgaudit: new entry %s added to %s at line %d; replace its FIXME and template markers\n", vid, path, line)
			if edit {
				editor := env.Getenv("EDITOR")
				if editor == "" {
					editor = "vi"
				}
				ed := exec.Command("/bin/sh", "-c", editor+` "$1"`, "sh", path)
				ed.Stdin, ed.Stdout, ed.Stderr = env.Stdin, env.Stdout, env.Stderr
				if err := ed.Run(); err != nil {
					return &codeError{ExitError, fmt.Errorf("running %s: %w", editor, err)}
				}
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&dir, "dir", "", "the security/vuxml port directory (default: found from the current directory, or $PORTSDIR/security/vuxml)")
	f.StringVarP(&out, "output", "o", "", "- to write only the entry to standard output")
	f.StringArrayVar(&o.Packages, "package", nil, "a package name of the entry (repeatable)")
	f.StringVar(&o.LT, "lt", "", "the first fixed version (<lt>)")
	f.StringVar(&o.GE, "ge", "", "the first affected version (<ge>)")
	f.StringArrayVar(&o.CVEs, "cve", nil, "a CVE name (repeatable)")
	f.StringVar(&o.Topic, "topic", "", `the topic, "name -- summary"`)
	f.StringVar(&o.URL, "url", "", "the advisory URL (blockquote cite and <url>)")
	f.IntVar(&uuidVersion, "uuid", 4, "UUID version of the vid: 4 (random) or 1 (time-based, as uuidgen)")
	f.BoolVar(&edit, "edit", false, "run $EDITOR (default vi) on the file afterwards")
	return c
}
