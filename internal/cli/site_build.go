package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/site"
)

// siteBuildFlags are the options of pkgaudit site build.
type siteBuildFlags struct {
	out         string
	files       []string
	title       string
	baseURL     string
	now         string
	feedEntries int
	config      string
	sourceList  bool
}

const siteBuildLong = `Generates the static advisory web site into DIR: a page per VuXML entry
(DIR/<vid>.html, what vuxml.FreeBSD.org/freebsd/<vid>.html shows, with eq
ranges, <system> blocks, every reference kind and cancelled entries too, the
description sanitised), a page per package name (pkg-<name>.html), indexes by
date (index.html), package (packages.html) and CVE (cves.html), a page per
pkgsrc package base (pkgsrc-<base>.html, pkgsrc.html), an offline search page
(search.html, search-index.json, search-index.js), an Atom feed of the newest
and most recently modified entries (feed.atom), a stylesheet, and an about
page with the VuXML licence notice.

The output depends only on the databases and the options: the same input
gives the same bytes. A new or empty DIR is built beside it and renamed into
place; a DIR holding an earlier site (it has a .pkgaudit-site manifest) is
updated file by file, each file replaced atomically, and pages no longer
generated are removed. Any other non-empty DIR is refused.

Databases: -f FILE, repeatable, VuXML (whole documents, year fragments,
wrappers) or pkg-vulnerabilities, compressed or not, detected from the
content; default $PKG_DBDIR/vuln.xml (freebsd.vulnxml in pkgaudit.toml).

Exit status: 0 written, 2 error.`

func siteBuildCmd(env *Env) *cobra.Command {
	f := &siteBuildFlags{}
	c := &cobra.Command{
		Use:   "build --out DIR [-f DB]...",
		Short: "Generate the static advisory web site",
		Long:  siteBuildLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return siteBuild(env, f)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "directory to write the site to (required)")
	fl.StringArrayVarP(&f.files, "file", "f", nil, "vulnerability database (VuXML or pkg-vulnerabilities); repeatable")
	fl.StringVar(&f.title, "title", "", `site name in every page header (default "pkgaudit advisories")`)
	fl.StringVar(&f.baseURL, "base-url", "", "absolute URL the site is published at, for absolute links in the Atom feed")
	fl.StringVar(&f.now, "now", "", "generation time (YYYY-MM-DD or RFC 3339) shown in the footers and as the feed's updated time (default: none; the feed's newest entry date)")
	fl.IntVar(&f.feedEntries, "feed-entries", 50, "number of entries in the Atom feed")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	fl.BoolVar(&f.sourceList, "source-list", false, "also accept pkgsrc's unsigned source list (#FORMAT 1.0.0)")
	return c
}

func siteBuild(env *Env, f *siteBuildFlags) error {
	if f.out == "" {
		return usageError("site build: --out DIR is required")
	}
	if f.feedEntries < 1 {
		return usageError("--feed-entries: must be at least 1")
	}
	opts := site.Options{Title: f.title, FeedEntries: f.feedEntries}
	if f.baseURL != "" {
		if !strings.HasPrefix(f.baseURL, "http://") && !strings.HasPrefix(f.baseURL, "https://") {
			return usageError("--base-url: %q is not an http or https URL", f.baseURL)
		}
		opts.BaseURL = strings.TrimSuffix(f.baseURL, "/") + "/"
	}
	if f.now != "" {
		t, err := parseTimeFlag(f.now)
		if err != nil {
			return usageError("--now: %v", err)
		}
		opts.Now = t
	}
	paths, err := databasePaths(env, f.files, f.config)
	if err != nil {
		return &codeError{ExitError, err}
	}

	var bar *progress
	opts.Progress = func(done, total int) {
		if bar == nil {
			bar = env.progress(total, "writing "+f.out)
		}
		bar.step("writing "+f.out, done)
	}

	s := site.New(opts)
	for _, p := range paths {
		doc, err := readSourceDocument(p, f.sourceList)
		if err != nil {
			return &codeError{ExitError, err}
		}
		for _, w := range s.AddDocument(p, doc) {
			fmt.Fprintf(env.Stderr, "pkgaudit: %s\n", w)
		}
	}
	if err := s.Write(f.out); err != nil {
		return &codeError{ExitError, fmt.Errorf("writing %s: %w", f.out, err)}
	}
	bar.finish()
	for _, w := range s.Warnings() {
		fmt.Fprintf(env.Stderr, "pkgaudit: warning: %s\n", w)
	}
	sum := s.Summary()
	fmt.Fprintf(env.Stdout, "%d files written to %s: %d VuXML entries, %d package pages, %d CVE names, %d pkgsrc lines on %d pkgsrc pages\n",
		sum.Files, f.out, sum.Entries, sum.Packages, sum.CVEs, sum.PkgsrcLines, sum.PkgsrcPages)
	return nil
}
