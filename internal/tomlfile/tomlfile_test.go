package tomlfile

import (
	"errors"
	"testing"
)

func TestKeyLine(t *testing.T) {
	data := []byte(`# comment
top = 1
[audit]
stale_days = 7
"cache_dir" = "/var/cache"
[[IgnoredVulns]]
id = "CVE-1"
[[IgnoredVulns]]
id = "CVE-2"
bogus = true
fetch.timeout = "30s"
`)
	tests := []struct {
		key  []string
		want int
	}{
		{[]string{"top"}, 2},
		{[]string{"audit"}, 3},
		{[]string{"audit", "stale_days"}, 4},
		{[]string{"audit", "cache_dir"}, 5},
		{[]string{"IgnoredVulns"}, 6},
		{[]string{"IgnoredVulns", "id"}, 7},
		{[]string{"IgnoredVulns", "bogus"}, 10},
		{[]string{"IgnoredVulns", "fetch"}, 11},
		{[]string{"nowhere"}, 0},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := KeyLine(data, tt.key); got != tt.want {
			t.Errorf("KeyLine(%v) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestDecodeErrorPosition(t *testing.T) {
	var v struct{ A int }
	_, err := Decode([]byte("A = 1\nB = [\n"), "f.toml", &v)
	var e *Error
	if !errors.As(err, &e) || e.File != "f.toml" || e.Line == 0 {
		t.Fatalf("err %#v", err)
	}
	// Type mismatches come from the decoder, which gives no position
	// of its own: the file is named, the message says the rest.
	_, err = Decode([]byte("A = \"x\"\n"), "f.toml", &v)
	if !errors.As(err, &e) || e.File != "f.toml" {
		t.Fatalf("type error %v", err)
	}
	if _, err := Decode([]byte("A = 3\n"), "f.toml", &v); err != nil || v.A != 3 {
		t.Fatalf("%v %v", err, v)
	}
}

func TestErrorString(t *testing.T) {
	for _, tt := range []struct {
		e    Error
		want string
	}{
		{Error{File: "f", Line: 2, Column: 3, Err: errors.New("m")}, "f:2:3: m"},
		{Error{File: "f", Line: 2, Err: errors.New("m")}, "f:2: m"},
		{Error{File: "f", Err: errors.New("m")}, "f: m"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
	if Kind(int64(1)) != "an integer" || Kind(nil) != "nothing" {
		t.Error("Kind")
	}
}
