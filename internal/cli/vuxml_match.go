package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/vuxml"
	"github.com/pkgaudit/pkgaudit/vuxml/match"
)

func newVuxmlMatchCmd(env *Env) *cobra.Command {
	var file, index string
	c := &cobra.Command{
		Use:   "match VID -f FILE --index INDEX",
		Short: "List the ports of an INDEX a VuXML entry matches, and flag likely mistakes",
		Long: `Check the entry VID of the VuXML document FILE (a year file, a whole
document or the vuln.xml wrapper) against a ports INDEX, as portaudit -f INDEX
-r VID did: every INDEX package the entry matches — names by fnmatch(3),
ranges by pkg's rule, through the audit engine — with the name and range that
match. Matches that look spurious are flagged: a package matched only by a
glob the entry's other names do not explain, a range without upper bound or
one that matches every package its name matches, a package the topic does not
mention. Names of the entry that match no INDEX package (typos, removed ports)
are listed too.

Exit status: 0 every name is in the INDEX and no match is flagged (whether or
not packages match: after the fix is committed, none should), 1 something
needs a look, 2 error.`,
		Example: `  pkgaudit vuxml match 4b824428-fb93-11f0-b194-8447094a420f -f vuln/2026.xml --index /usr/ports/INDEX-14`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" || index == "" {
				return usageError("vuxml match: -f FILE and --index INDEX are required")
			}
			d, err := feed.ReadDocument(file, feed.Options{Formats: []feed.Format{feed.VuXML}})
			if err != nil {
				return &codeError{ExitError, err}
			}
			doc := d.VuXML
			e := match.Find([]*vuxml.Document{doc}, args[0])
			if e == nil {
				return &codeError{ExitError, fmt.Errorf("%s: no entry with vid %s", file, args[0])}
			}
			pkgs, err := inventory.ReadIndexFile(index)
			if err != nil {
				return &codeError{ExitError, err}
			}
			res := match.Entry(e, pkgs)
			res.WriteText(env.Stdout)
			if res.Attention() {
				return exitCode(ExitFound)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&file, "file", "f", "", "the VuXML document holding the entry")
	c.Flags().StringVar(&index, "index", "", "the ports INDEX file (INDEX-14 format, compressed or not)")
	return c
}

func newVuxmlRelatedCmd(env *Env) *cobra.Command {
	var index string
	c := &cobra.Command{
		Use:   "related NAME... --index INDEX",
		Short: "List the ports of an INDEX an entry about NAME should consider",
		Long: `List the packages of a ports INDEX that the Porter's Handbook says to check
when writing a VuXML entry for the port NAME, each with its reason: the name
itself; -devel, -lite, -nox11 and other flavours; version-suffixed ports (foo2,
foo18, php8x-foo); language-module and localized ports of the same software
(py311-, p5-, rubygem-, php8x-, R-cran-, hs-, ocaml-, rust-, go-; ja-, zh-,
ko-, ru-, de-, fr-, uk-, pt- ...); Linux binary ports (linux-, linux-rl9-);
derivatives of well-known software (firefox: librewolf, waterfox, firefox-esr,
thunderbird ...; chromium: ungoogled-chromium, iridium, qt-webengine, electron;
openssl: openssl3x, libressl ...); and ports whose name holds NAME as a
component.

Exit status: 0 nothing beyond NAME itself, 1 variants to check were listed,
2 error.`,
		Example: `  pkgaudit vuxml related firefox --index /usr/ports/INDEX-14`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if index == "" {
				return usageError("vuxml related: --index INDEX is required")
			}
			pkgs, err := inventory.ReadIndexFile(index)
			if err != nil {
				return &codeError{ExitError, err}
			}
			others := 0
			for i, name := range args {
				if len(args) > 1 {
					if i > 0 {
						fmt.Fprintln(env.Stdout)
					}
					fmt.Fprintf(env.Stdout, "%s:\n", name)
				}
				self, n := match.WriteRelated(env.Stdout, match.Related(name, pkgs))
				others += n
				if !self {
					fmt.Fprintf(env.Stderr, "pkgaudit: %s: no package of that name in %s\n", name, index)
				}
			}
			if others > 0 {
				return exitCode(ExitFound)
			}
			return nil
		},
	}
	c.Flags().StringVar(&index, "index", "", "the ports INDEX file (INDEX-14 format, compressed or not)")
	return c
}
