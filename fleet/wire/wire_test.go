package wire

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func TestDecodeRoundTrip(t *testing.T) {
	r := &Report{Version: 1, Host: Host{Name: "h", Tags: []string{"web"}},
		Inventories: []Inventory{{Jail: "", Packages: []Package{{Name: "curl", Version: "8.5.0", World: "freebsd", Origin: "ftp/curl"}}}}}
	var b bytes.Buffer
	if err := Encode(&b, r); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(&b, "gzip", DefaultLimits)
	if err != nil || got.Host.Name != "h" || got.Inventories[0].Packages[0].Origin != "ftp/curl" {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestDecodeErrorsArePositioned(t *testing.T) {
	_, err := Decode(strings.NewReader("{\"version\":1,\n\"host\":{\"name\":\"x\"},\n\"inventories\":[}"), "", DefaultLimits)
	var we *Error
	if !errors.As(err, &we) || we.Status != 400 || !strings.Contains(we.Msg, "3:") {
		t.Errorf("%v", err)
	}
}

func TestDecodeLimits(t *testing.T) {
	l := DefaultLimits
	l.MaxCompressed, l.MaxDecompressed = 100, 200
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte(" "), 1000))
	zw.Close()
	for name, c := range map[string]struct {
		body, enc string
		want      int
	}{
		"compressed":   {strings.Repeat(" ", 101), "", 413},
		"decompressed": {z.String(), "gzip", 413},
		"bad gzip":     {"not gzip", "gzip", 400},
		"encoding":     {"{}", "zstd", 415},
	} {
		_, err := Decode(strings.NewReader(c.body), c.enc, l)
		var we *Error
		if !errors.As(err, &we) || we.Status != c.want {
			t.Errorf("%s: %v, want %d", name, err, c.want)
		}
	}
}

// FuzzDecode: no input crashes Decode, and what it accepts passes Check.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"version":1,"host":{"name":"h"},"inventories":[{"jail":"","packages":[{"name":"a","version":"1"}]}]}`))
	f.Add([]byte(`{"version":1,"host":{"name":"h","tags":["\u0000"]},"inventories":[]}`))
	f.Add([]byte(`[[[[[[[[[[[[`))
	f.Add([]byte(`{"version":1,"host":{"name":"\"\\"},"inventories":[{"jail":"a","packages":[]},{"jail":"a","packages":[]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(bytes.NewReader(data), "", DefaultLimits)
		if err != nil {
			var we *Error
			if !errors.As(err, &we) || we.Status < 400 || we.Status > 499 {
				t.Fatalf("error without a 4xx status: %v", err)
			}
			return
		}
		if err := r.Check(DefaultLimits); err != nil {
			t.Fatalf("accepted a report Check refuses: %v", err)
		}
	})
}
