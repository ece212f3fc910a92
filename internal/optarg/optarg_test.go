package optarg

import (
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

func TestAttach(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.BoolP("quiet", "q", false, "")
	fs.StringP("file", "f", "", "")
	fs.StringP("raw", "R", "", "")
	fs.Lookup("raw").NoOptDefVal = "ucl"
	for _, tc := range []struct{ in, want []string }{
		{[]string{"-R", "json"}, []string{"-R", "json"}},
		{[]string{"-Rjson"}, []string{"-R=json"}},
		{[]string{"-qRjson-compact", "x"}, []string{"-q", "-R=json-compact", "x"}},
		{[]string{"-qR"}, []string{"-qR"}},
		{[]string{"-R=json"}, []string{"-R=json"}},
		{[]string{"-fRx"}, []string{"-fRx"}},
		{[]string{"-qfR"}, []string{"-qfR"}},
		{[]string{"--raw", "json"}, []string{"--raw", "json"}},
		{[]string{"--", "-Rjson"}, []string{"--", "-Rjson"}},
		{[]string{"-xRjson"}, []string{"-xRjson"}},
	} {
		if got := Attach(fs, tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
	// The rewritten words parse as getopt would.
	if err := fs.Parse(Attach(fs, []string{"-qRjson", "-R", "op"})); err != nil || fs.Arg(0) != "op" || fs.Lookup("raw").Value.String() != "ucl" {
		t.Errorf("parse: %v %q %s", err, fs.Args(), fs.Lookup("raw").Value)
	}
}
