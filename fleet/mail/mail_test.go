package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBatchedMessage(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "msg")
	script := filepath.Join(dir, "sendmail")
	os.WriteFile(script, []byte("#!/bin/sh\ncat > "+out+"\n"), 0o755)
	m := &Mailer{Command: []string{script, "-t", "-i"}, From: "pkgaudit@example.org", To: []string{"root@example.org"},
		Now: func() time.Time { return time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC) }}
	lines := []Line{
		{"finding.new", "web1: curl-8.5.0 533b4470 curl -- Multiple vulnerabilities"},
		{"host.stale", "db2: no report for 30h"},
		{"finding.new", "web2: curl-8.5.0 533b4470\r\nBcc: evil@example.org"},
	}
	if err := m.Send(context.Background(), "pkgaudit: 2 new findings", lines); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	msg := string(got)
	for _, want := range []string{
		"To: root@example.org\r\n", "Subject: pkgaudit: 2 new findings\r\n", "Date: Tue, 08 Dec 2026 01:00:00 +0000\r\n",
		"finding.new (2):\r\n  web1: curl-8.5.0", "\r\n\r\nhost.stale (1):\r\n  db2: no report for 30h\r\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "\r\nBcc:") {
		t.Errorf("a line break in an event made a header:\n%s", msg)
	}
}

func TestNothingToSend(t *testing.T) {
	m := &Mailer{Command: []string{"/nonexistent"}, To: []string{"root@example.org"}}
	if err := m.Send(context.Background(), "x", nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
	if err := m.Send(context.Background(), "x", []Line{{"a", "b"}}); err == nil {
		t.Error("a missing command was not an error")
	}
	if _, err := (&Mailer{To: []string{"not an address"}}).Message("x", nil); err == nil {
		t.Error("a bad address was accepted")
	}
}
