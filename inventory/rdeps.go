package inventory

// Graph answers reverse-dependency questions over one audited set of
// packages, the way pkg audit -r does: packages are keyed by name (pkg's
// unique id), and only packages in the set are followed.
type Graph struct {
	byName map[string]*Package
}

// NewGraph indexes pkgs by name. When two packages share a name the first
// wins, as in pkg audit's check list.
func NewGraph(pkgs []Package) *Graph {
	g := &Graph{byName: make(map[string]*Package, len(pkgs))}
	for i := range pkgs {
		if _, dup := g.byName[pkgs[i].Name]; !dup {
			g.byName[pkgs[i].Name] = &pkgs[i]
		}
	}
	return g
}

// Dependents returns the names of the packages of the set that depend on
// the package called name, directly or not, in the order pkg audit -r
// prints them ("Packages that depend on NAME: a, b"): depth first, each
// direct reverse dependency followed by its own, every name once, names
// outside the set skipped together with what depends on them.
func (g *Graph) Dependents(name string) []string {
	p, ok := g.byName[name]
	if !ok {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	var walk func(p *Package)
	walk = func(p *Package) {
		for _, full := range p.RequiredBy {
			n := pkgFromFullName(full).Name
			if seen[n] {
				continue
			}
			q, ok := g.byName[n]
			if !ok {
				continue
			}
			seen[n] = true
			out = append(out, n)
			walk(q)
		}
	}
	walk(p)
	return out
}
