package inventory

import (
	"reflect"
	"testing"
)

func TestFromOperands(t *testing.T) {
	got := FromOperands([]string{"test-1.5", "sudo", "test-", "py39-foo", "grafana-11.3.5+security-01", "-1.0", ""})
	want := []Package{
		{Name: "test", Version: "1.5"},
		{Name: "sudo", Versionless: true},
		{Name: "test"},
		{Name: "py39", Version: "foo"},
		{Name: "grafana-11.3.5+security", Version: "01"},
		{Name: "", Version: "1.0"},
		{Name: "", Versionless: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	for i, s := range []string{"test-1.5", "sudo", "test-", "py39-foo"} {
		if got[i].String() != s {
			t.Errorf("String() = %q, want %q", got[i].String(), s)
		}
	}
}
