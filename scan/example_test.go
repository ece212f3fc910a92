package scan_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"

	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
	"github.com/pkgaudit/pkgaudit/scan"
)

// A server loads its databases once and audits the package lists hosts
// send, concurrently, rendering each in any report format.
func Example_server() {
	db, err := scan.Open([]string{"../testdata/vuxml/vuln-2026.xml"}, scan.OpenOptions{})
	if err != nil {
		log.Fatal(err)
	}
	hosts := map[string][]string{
		"web1": {"mailpit-1.28.0", "curl-8.5.0"},
		"web2": {"mailpit-1.29.0"},
	}
	results := map[string]*scan.Result{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for host, names := range hosts {
		wg.Go(func() {
			var pkgs []inventory.Package
			for _, n := range names {
				p, err := inventory.ParseOperand(n)
				if err != nil {
					log.Print(err)
					return
				}
				pkgs = append(pkgs, p)
			}
			res, err := db.Audit(context.Background(), pkgs, scan.AuditOptions{})
			if err != nil {
				log.Print(err)
				return
			}
			mu.Lock()
			results[host] = res
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, host := range []string{"web1", "web2"} {
		res := results[host]
		fmt.Printf("%s: vulnerable=%v\n", host, res.Vulnerable)
		for _, p := range res.Report.Packages {
			for _, f := range p.Findings {
				fmt.Printf("  %s: %s\n", p.FullName(), f.ID())
			}
		}
	}
	// Any format renders a result, e.g. pkg audit's text report.
	text, _ := report.LookupFormat("text")
	if err := text.Write(os.Stdout, results["web2"].Report); err != nil {
		log.Fatal(err)
	}
	// Output:
	// web1: vulnerable=true
	//   mailpit-1.28.0: 01f34a27-f560-11f0-bbdc-10ffe07f9334
	//   mailpit-1.28.0: d822839e-ee4f-11f0-b53e-0897988a1c07
	//   mailpit-1.28.0: df33c83b-eb4f-11f0-a46f-0897988a1c07
	// web2: vulnerable=false
	// 0 problem(s) in 0 package(s) found.
}

// Run is one whole audit, as pkgaudit audit does it.
func ExampleRun() {
	res, err := scan.Run(context.Background(), scan.Request{
		Databases: []string{"../testdata/vuxml/vuln-2026.xml"},
		Open:      scan.OpenOptions{Brief: true},
		Sources:   []inventory.Source{inventory.Operands([]string{"mailpit-1.28.2"})},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Vulnerable, res.Report.Packages[0].Findings[0].Advisory.Topic)
	// Output: true mail/mailpit -- multiple vulnerabilities
}

// The shortest server-side audit: a loaded DB, a host's package list, a
// report in pkgaudit's JSON.
func ExampleDB_Audit() {
	db, err := scan.Open([]string{"../testdata/vuxml/vuln-2026.xml"}, scan.OpenOptions{Hash: true})
	if err != nil {
		log.Fatal(err)
	}
	pkgs := []inventory.Package{{Name: "mailpit", Version: "1.28.0"}, {Name: "zsh", Version: "5.9"}}
	res, err := db.Audit(context.Background(), pkgs, scan.AuditOptions{})
	if err != nil {
		log.Fatal(err)
	}
	s := res.Report.Summary()
	fmt.Printf("%d of %d packages vulnerable, %d advisories\n", s.Vulnerable, s.Packages, s.Advisories)
	// json, _ := report.LookupFormat("json"); json.Write(w, res.Report)
	// Output: 1 of 2 packages vulnerable, 3 advisories
}
