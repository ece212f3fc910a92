package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/vuxml/freebsdsa"
	"github.com/pkgaudit/pkgaudit/vuxml/newentry"
)

// vuxmlNewTransport carries the requests of vuxml new (nil: the default);
// tests replace it to prove nothing is dialled.
var vuxmlNewTransport http.RoundTripper

// vuxmlNewVID generates the vid of a new entry; tests replace it.
var vuxmlNewVID = newentry.NewVID

func newVuxmlNewCmd(env *Env) *cobra.Command {
	var o newentry.Options
	var dir, out string
	var edit bool
	var uuidVersion int
	var src newentry.Sources
	c := &cobra.Command{
		Use:   "new [FILE] [--dir PORTDIR] [-o -] [--package NAME]... [--ge V] [--lt V] [--cve ID]... [--provider nvd|mitre|euvd] [--cve-json FILE]... [--sa NAME] [--sa-file FILE] [--topic TEXT] [--url URL]",
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
the template in (text is XML-escaped).

With --provider nvd|mitre|euvd the record of each --cve is fetched (from the
provider's public API, or --provider-url BASE; never with --offline) and
fills the entry in: topic "PACKAGE -- summary", "SOURCE reports:" and a
blockquote of the record's text citing its URL, the affected products and
versions the record gives (--package names the port instead), every CVE name
and record URL, the publication date as discovery date. Several CVEs make one
entry. --cve-json FILE (repeatable) reads a saved record of any of the three
formats instead. --sa FreeBSD-SA-YY:NN.name (fetched from --sa-url BASE) or
--sa-file FILE fills a base-system entry from a FreeBSD security advisory.
What the source does not give stays FIXME, so that "vuxml validate" fails
until it is filled in. A missing, malformed or other-CVE record is an error
(exit 2) and no file is touched. NVD_API_KEY is sent to NVD when set.

The vid is a random (version 4) UUID;
--uuid 1 gives a time-based one as FreeBSD's uuidgen(1) does. $EDITOR (default
vi) is run on the file only with --edit.`,
		Example: `  cd /usr/ports/security/vuxml && pkgaudit vuxml new --package curl --lt 8.15.0 --cve CVE-2026-1234
  pkgaudit vuxml new -o - --topic "curl -- header injection"
  pkgaudit vuxml new --cve CVE-2025-5025 --cve CVE-2025-4947 --provider nvd --package curl
  pkgaudit vuxml new -o - --cve-json CVE-2025-5025.json --package curl
  pkgaudit vuxml new --sa FreeBSD-SA-25:04.ktrace`,
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
			src.Stdin, src.NVDAPIKey, src.UserAgent, src.Transport = env.Stdin, env.Getenv("NVD_API_KEY"), "pkgaudit/"+Version, vuxmlNewTransport
			entry, err := src.Build(context.Background(), o)
			if err != nil {
				return &codeError{ExitError, err}
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
			line, err := newentry.AddToFile(path, entry)
			if err != nil {
				return &codeError{ExitError, err}
			}
			if newentry.HasMarkers(entry) {
				fmt.Fprintf(env.Stderr, "pkgaudit: new entry %s added to %s at line %d; replace its FIXME and template markers\n", vid, path, line)
			} else {
				fmt.Fprintf(env.Stderr, "pkgaudit: new entry %s added to %s at line %d; review it, then run pkgaudit vuxml validate\n", vid, path, line)
			}
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
	f.StringVar(&src.Provider, "provider", "", "fetch the record of each --cve from nvd, mitre (CVE Services) or euvd")
	f.StringVar(&src.ProviderURL, "provider-url", "", "base URL of the provider's API (a mirror; default its public service)")
	f.StringArrayVar(&src.CVEJSON, "cve-json", nil, "a saved CVE record (NVD API 2.0, CVE JSON 5 or EUVD; - for standard input) to fill the entry from (repeatable)")
	f.StringVar(&src.SA, "sa", "", "a FreeBSD security advisory, FreeBSD-SA-YY:NN.name, to fill a base-system entry from")
	f.StringVar(&src.SAFile, "sa-file", "", "the saved text of the advisory (instead of fetching it)")
	f.StringVar(&src.SAURL, "sa-url", "", "where advisories are fetched from (default "+freebsdsa.DefaultBaseURL+")")
	f.DurationVar(&src.Timeout, "timeout", 0, "give up a fetch that takes longer (default 5m, as fetch)")
	f.BoolVar(&src.Offline, "offline", false, "never use the network (--provider and --sa without --sa-file then fail)")
	return c
}
