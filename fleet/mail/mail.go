// Package mail hands the fleet server's alerts to a sendmail-compatible
// command, batched: all the events of one run go into one message.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"os/exec"
	"strings"
	"time"
)

// Mailer runs Command (argv; default "/usr/sbin/sendmail -t -i") with the
// message on its standard input.
type Mailer struct {
	Command []string
	From    string
	To      []string
	// Now stamps the Date header; tests replace it.
	Now func() time.Time
}

// Line is one event of a batch, as a line of the message body.
type Line struct {
	Type string // finding.new, finding.resolved, host.stale, ...
	Text string
}

// Message builds the RFC 5322 message of a batch: one section per event
// type, in the order the types first appear.
func (m *Mailer) Message(subject string, lines []Line) ([]byte, error) {
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipient")
	}
	for _, a := range append([]string{m.From}, m.To...) {
		if a == "" {
			continue
		}
		if _, err := mail.ParseAddress(a); err != nil {
			return nil, fmt.Errorf("mail: address %q: %w", a, err)
		}
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	var b bytes.Buffer
	if m.From != "" {
		fmt.Fprintf(&b, "From: %s\r\n", m.From)
	}
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(m.To, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", now().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	var order []string
	byType := map[string][]string{}
	for _, l := range lines {
		if _, ok := byType[l.Type]; !ok {
			order = append(order, l.Type)
		}
		byType[l.Type] = append(byType[l.Type], oneLine(l.Text))
	}
	for i, typ := range order {
		if i > 0 {
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, "%s (%d):\r\n", typ, len(byType[typ]))
		for _, t := range byType[typ] {
			fmt.Fprintf(&b, "  %s\r\n", t)
		}
	}
	return b.Bytes(), nil
}

// Send builds the message and runs the command; nothing is sent for an
// empty batch.
func (m *Mailer) Send(ctx context.Context, subject string, lines []Line) error {
	if len(lines) == 0 {
		return nil
	}
	msg, err := m.Message(subject, lines)
	if err != nil {
		return err
	}
	argv := m.Command
	if len(argv) == 0 {
		argv = []string{"/usr/sbin/sendmail", "-t", "-i"}
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(msg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mail: %s: %v: %s", argv[0], err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// oneLine keeps header and body lines from being split by what a
// package name or reason holds.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
