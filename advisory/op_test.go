package advisory

import "testing"

// Op is the one operator type: VuXML's element names, pkg's symbols.
func TestOpNames(t *testing.T) {
	for op, want := range map[Op][2]string{LT: {"lt", "<"}, LE: {"le", "<="}, EQ: {"eq", "="}, GE: {"ge", ">="}, GT: {"gt", ">"}} {
		if op.String() != want[0] || op.Name() != want[0] || op.Symbol() != want[1] {
			t.Errorf("%d: %q %q %q", op, op.String(), op.Name(), op.Symbol())
		}
	}
}
