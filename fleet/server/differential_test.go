package server_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
	"github.com/pkgaudit/pkgaudit/internal/cli"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

// TestFindingsEqualAudit spreads the operands of the FreeBSD reference
// vectors over hosts and checks that each host's findings on the server
// are byte for byte what pkgaudit audit --format json prints for the same
// list and database, and hold the vids pkg reports.
func TestFindingsEqualAudit(t *testing.T) {
	data, err := vectors.CombinedVuXML("../../testdata/vuxml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "vuxml-combined.xml")
	if err := os.WriteFile(db, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ls, err := vectors.Read("../../testdata/vectors/freebsd-audit.tsv")
	if err != nil {
		t.Fatal(err)
	}
	const hosts = 12
	lists := make([][]string, hosts)
	want := map[string]string{} // operand -> vids
	for i, l := range ls {
		op := l.Fields[0]
		if !strings.Contains(op, "-") {
			continue // a bare name is a query, not an installed package
		}
		want[op] = l.Fields[1]
		lists[i%hosts] = append(lists[i%hosts], op)
	}
	old := cli.Version
	cli.Version = "test"
	t.Cleanup(func() { cli.Version = old })
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec, db)
		for h := range hosts {
			name := fmt.Sprintf("vec%02d", h)
			rep := &wire.Report{Version: 1, Host: wire.Host{Name: name}, Inventories: []wire.Inventory{{Packages: []wire.Package{}}}}
			for _, op := range lists[h] {
				i := strings.LastIndexByte(op, '-')
				rep.Inventories[0].Packages = append(rep.Inventories[0].Packages, wire.Package{Name: op[:i], Version: op[i+1:]})
			}
			if code, body := f.do(t, "POST", "/api/v1/reports", f.admin, gz(t, rep)); code != 200 {
				t.Fatalf("%s: %d %s", name, code, body)
			}
			code, got := f.do(t, "GET", "/api/v1/hosts/"+name+"/findings", f.viewer, nil)
			if code != 200 {
				t.Fatalf("%s findings: %d %s", name, code, got)
			}
			list := filepath.Join(t.TempDir(), "list")
			os.WriteFile(list, []byte(strings.Join(lists[h], "\n")+"\n"), 0o644)
			var out, errb bytes.Buffer
			env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
				Now: f.clock, IsTerminal: func(io.Writer) bool { return false }}
			rc := cli.Main([]string{"audit", "--format", "json", "-f", db, "--from", list}, env)
			if rc > 1 {
				t.Fatalf("audit: %d %s", rc, errb.String())
			}
			if !bytes.Equal(got, out.Bytes()) {
				t.Errorf("%s: server findings differ from pkgaudit audit --format json\nserver:\n%.2000s\naudit:\n%.2000s", name, got, out.Bytes())
			}
			// And the vids are pkg's.
			var rep2 struct {
				Results []struct {
					Package         string
					Vulnerabilities []struct{ ID string }
				}
			}
			decode(t, got, &rep2)
			found := map[string]string{}
			for _, r := range rep2.Results {
				var ids []string
				for _, v := range r.Vulnerabilities {
					ids = append(ids, v.ID)
				}
				sort.Strings(ids)
				found[r.Package] = strings.Join(ids, ",")
			}
			for _, op := range lists[h] {
				if found[op] != want[op] {
					t.Errorf("%s %s: vids %q, pkg reports %q", name, op, found[op], want[op])
				}
			}
		}
	})
}
