// Command genvuxml writes a synthetic VuXML workload (see package
// internal/workload) and, optionally, its operands one per line.
//
//	go run ./internal/workload/cmd/genvuxml -o vuln.xml -operands ops.txt
//	go run ./internal/workload/cmd/genvuxml -entries 80000 -names 20000 -o vuln-large.xml
//	go run ./internal/workload/cmd/genvuxml -skew 0.4 -o vuln-skew.xml -operands ops-skew.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/workload"
)

func main() {
	c := workload.Standard()
	flag.IntVar(&c.Entries, "entries", c.Entries, "number of <vuln> entries")
	flag.IntVar(&c.Names, "names", c.Names, "number of distinct package names")
	flag.IntVar(&c.Operands, "n", c.Operands, "number of operands")
	flag.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	flag.Float64Var(&c.Skew, "skew", 0, "fraction of the names that start with the letter p (0.4: the shape where pkg's first-letter buckets are slow)")
	out := flag.String("o", "-", "output file for the document (- for stdout)")
	ops := flag.String("operands", "", "output file for the operands, one per line")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "genvuxml: unexpected arguments")
		os.Exit(2)
	}
	doc, operands := workload.Generate(c)
	if err := write(*out, doc); err != nil {
		fmt.Fprintln(os.Stderr, "genvuxml:", err)
		os.Exit(2)
	}
	if *ops != "" {
		if err := write(*ops, []byte(strings.Join(operands, "\n")+"\n")); err != nil {
			fmt.Fprintln(os.Stderr, "genvuxml:", err)
			os.Exit(2)
		}
	}
}

func write(name string, data []byte) error {
	if name == "-" {
		w := bufio.NewWriter(os.Stdout)
		w.Write(data)
		return w.Flush()
	}
	return atomicfile.Write(name, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
