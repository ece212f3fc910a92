package inventory

// FromOperands lists the packages named on a command line the way pkg
// audit reads its operands: each is split at its last '-' into name and
// version ("py311-requests-2.31.0" is py311-requests 2.31.0, "test-" the
// empty version of test); an operand without '-' is a versionless query
// ("sudo": every advisory naming sudo applies, whatever its ranges).
// Nothing is rejected and nothing is deduplicated: the caller decides what
// to do with repeated names.
func FromOperands(args []string) []Package {
	pkgs := make([]Package, len(args))
	for i, a := range args {
		pkgs[i] = pkgFromFullName(a)
	}
	return pkgs
}
