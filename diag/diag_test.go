package diag

import (
	"errors"
	"testing"
)

func TestError(t *testing.T) {
	sentinel := errors.New("not well-formed")
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{File: "vuln.xml", Line: 3, Column: 7, Msg: "unexpected EOF", Err: sentinel}, "vuln.xml:3:7: unexpected EOF"},
		{Error{File: "pkg-vulnerabilities", Line: 12, Msg: "Input header is malformed"}, "pkg-vulnerabilities:12: Input header is malformed"},
		{Error{File: "pkg-vulnerabilities", Msg: "Missing checksum"}, "pkg-vulnerabilities: Missing checksum"},
		{Error{Line: 1, Column: 2, Msg: "x"}, "1:2: x"},
		{Error{Msg: "bare"}, "bare"},
		{Error{File: "list", Line: 2, Err: sentinel}, "list:2: not well-formed"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
	var err error = &Error{File: "f", Err: sentinel}
	if !errors.Is(err, sentinel) {
		t.Error("Unwrap")
	}
}
