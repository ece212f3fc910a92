package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/vuxml"
	"github.com/pkgaudit/pkgaudit/vuxml/match"
)

func init() {
	registerSub("vuxml", newVuxmlMatchCmd)
	registerSub("vuxml", newVuxmlRelatedCmd)
}

// vuxmlMatchReadIndex reads a ports INDEX, compressed or not.
func vuxmlMatchReadIndex(path string) ([]inventory.Package, error) {
	var data []byte
	var err error
	if path == "-" {
		return nil, fmt.Errorf("--index: give a file, not standard input")
	}
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, decompress.DefaultLimit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	data, err = decompress.Bytes(data, decompress.DefaultLimit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return inventory.FromIndex(bytes.NewReader(data), path)
}

// vuxmlMatchReadDocument reads the VuXML document FILE (compressed or
// not; any other format is refused by name) through feed.
func vuxmlMatchReadDocument(path string) (*vuxml.Document, error) {
	d, err := feed.ReadDocument(path, feed.Options{Formats: []feed.Format{feed.VuXML}})
	if err != nil {
		return nil, err
	}
	return d.VuXML, nil
}

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
			doc, err := vuxmlMatchReadDocument(file)
			if err != nil {
				return &codeError{ExitError, err}
			}
			e := match.Find([]*vuxml.Document{doc}, args[0])
			if e == nil {
				return &codeError{ExitError, fmt.Errorf("%s: no entry with vid %s", file, args[0])}
			}
			pkgs, err := vuxmlMatchReadIndex(index)
			if err != nil {
				return &codeError{ExitError, err}
			}
			res := match.Entry(e, pkgs)
			vuxmlMatchPrint(env.Stdout, res)
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

func vuxmlMatchPrint(w io.Writer, res *match.Result) {
	e := res.Entry
	fmt.Fprintf(w, "%s: %s\n", e.VID, e.Topic)
	for _, m := range res.Matches {
		rng := m.RangeText
		if rng == "" {
			rng = "(no range)"
		}
		fmt.Fprintf(w, "%s-%s (%s): %s %s\n", m.Package.Name, m.Package.Version, m.Package.Origin, m.NameValue, strings.TrimSpace(rng))
		for _, s := range m.Suspect {
			fmt.Fprintf(w, "  suspect: %s\n", s)
		}
	}
	for _, n := range res.Unmatched {
		fmt.Fprintf(w, "%s:%d:%d: name %s matches no package in the INDEX (typo, or a port that is gone?)\n", n.Pos.File, n.Pos.Line, n.Pos.Col, n.Value)
	}
	for _, n := range res.Base {
		fmt.Fprintf(w, "%s:%d:%d: name %s is the base system, which the INDEX does not list (check it with pkgaudit audit --base)\n", n.Pos.File, n.Pos.Line, n.Pos.Col, n.Value)
	}
	fmt.Fprintf(w, "%d of %d INDEX packages match, %d suspect; %d name(s) match nothing.\n",
		len(res.Matches), res.Packages, res.Suspects(), len(res.Unmatched))
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
			pkgs, err := vuxmlMatchReadIndex(index)
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
				vs := match.Related(name, pkgs)
				self := false
				for _, v := range vs {
					fmt.Fprintf(env.Stdout, "%s-%s (%s): %s\n", v.Package.Name, v.Package.Version, v.Package.Origin, v.Reason)
					if v.Kind == match.KindSelf {
						self = true
					} else {
						others++
					}
				}
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
