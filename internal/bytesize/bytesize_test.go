package bytesize

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		n             int64
		text, compact string
	}{
		{0, "0 bytes", "0"},
		{1000, "1000 bytes", "1000"},
		{1 << 10, "1 KiB", "1KiB"},
		{3 << 20, "3 MiB", "3MiB"},
		{1<<20 + 1<<10, "1025 KiB", "1025KiB"},
		{256 << 20, "256 MiB", "256MiB"},
		{4 << 30, "4 GiB", "4GiB"},
		{1<<32 - 1, "4294967295 bytes", "4294967295"},
	} {
		if got := Format(c.n); got != c.text {
			t.Errorf("Format(%d) = %q, want %q", c.n, got, c.text)
		}
		if got := Compact(c.n); got != c.compact {
			t.Errorf("Compact(%d) = %q, want %q", c.n, got, c.compact)
		}
	}
}
