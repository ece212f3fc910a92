package pkgsrc

import (
	"strings"
	"testing"
)

func TestBatchNamesSplitsLongLines(t *testing.T) {
	long := strings.Repeat("x", 5000)
	var got []string
	BatchNames(strings.NewReader(long+"\n a \n"), func(s string) bool { got = append(got, s); return true })
	if len(got) != 3 || len(got[0]) != 4095 || len(got[1]) != 905 || got[2] != " a " {
		t.Errorf("got %d names: %d %q", len(got), len(got[0]), got[len(got)-1])
	}
}
