// Package scan is pkgaudit's audit pipeline as a library: it maps a
// Request — vulnerability databases, inventory sources, ignore rules and
// options — to a Result, the report.Input every reporter in package report
// renders, plus whether anything is vulnerable, the databases' warnings
// and problems, and the entries of sources that could not be read.
//
// The rules of the audit live here, not in the command line: which world
// judges which package (a pkgsrc package is not judged by VuXML, nor the
// reverse), pkgsrc end-of-life entries (NoEOL), ignore rules, whether a
// fixed version is available (Known, from ports INDEX files), package
// order and repeats (sorted by name, exact repeats dropped, one package
// per name for pkg's raw schema), and the parallel look-up of long
// inventories.
//
// Two levels:
//
//   - Run(ctx, Request) opens the databases, reads the sources and
//     audits them: one command-line run.
//   - Open(paths, OpenOptions) loads databases once into a DB; DB.Audit
//     audits one package list. A DB is read-only after Open: any number of
//     goroutines may call Audit at once (a fleet server loads its
//     databases once and audits many hosts' lists), each call costing
//     only the look-ups of its packages.
//
// Inventory sources are inventory.Source values (inventory.Operands,
// inventory.List, inventory.Installed, ...); output formats are listed in
// report.Formats.
package scan
