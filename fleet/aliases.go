package fleet

// Aliases returns, for every advisory of the databases, its other names
// (its CVEs and its URL when that is not its id): an exception or ignore
// rule may name an advisory by any of them.
func (db *DB) Aliases() map[string][]string {
	out := map[string][]string{}
	for i := range db.ix.Len() {
		a := db.ix.Advisory(i)
		if a == nil {
			continue
		}
		names := out[a.ID]
		if a.URL != "" && a.URL != a.ID {
			names = append(names, a.URL)
		}
		names = append(names, a.CVEs...)
		if len(names) > 0 {
			out[a.ID] = names
		}
	}
	return out
}
