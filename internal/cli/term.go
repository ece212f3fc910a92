package cli

import (
	"bufio"
	"bytes"
	"io"

	"github.com/schollz/progressbar/v3"
)

// ANSI colours of findings on a terminal.
const (
	colourRed    = "\x1b[1;31m"
	colourYellow = "\x1b[1;33m"
	colourReset  = "\x1b[0m"
)

// colour reports whether w gets colours: a terminal, NO_COLOR unset and
// TERM not "dumb" (https://no-color.org). Piped output never does, so that
// it stays byte-identical to pkg's.
func (e *Env) colour(w io.Writer) bool {
	return e.IsTerminal != nil && e.IsTerminal(w) && e.Getenv("NO_COLOR") == "" && e.Getenv("TERM") != "dumb"
}

// progress is a bar on standard error with total steps, or nil when
// standard error is no terminal. Its methods are safe on nil.
type progress struct {
	b    *progressbar.ProgressBar
	done bool
}

func (e *Env) progress(total int, desc string) *progress {
	if e.IsTerminal == nil || !e.IsTerminal(e.Stderr) {
		return nil
	}
	return &progress{b: newBar(e, int64(total), desc, false)}
}

// step describes the next step and counts the one before.
func (p *progress) step(desc string, done int) {
	if p != nil {
		p.b.Describe(desc)
		p.b.Set(done)
	}
}

// finish clears the bar (once), before the command prints its results.
func (p *progress) finish() {
	if p != nil && !p.done {
		p.done = true
		p.b.Finish()
	}
}

// lineColourer colours whole lines a rule picks as they pass to w,
// keeping every other byte as it is.
type lineColourer struct {
	w    io.Writer
	rule func(line []byte) string // the colour of a line, "" for none
	part []byte
}

func (c *lineColourer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.part = append(c.part, p...)
			break
		}
		line := append(c.part, p[:i]...)
		c.part = c.part[:0]
		if col := c.rule(line); col != "" {
			line = append(append([]byte(col), line...), colourReset...)
		}
		if _, err := c.w.Write(append(line, '\n')); err != nil {
			return 0, err
		}
		p = p[i+1:]
	}
	return n, nil
}

// flush writes an unterminated last line, and what a buffered w holds.
func (c *lineColourer) flush() error {
	if len(c.part) > 0 {
		if _, err := c.w.Write(c.part); err != nil {
			return err
		}
	}
	if b, ok := c.w.(*bufio.Writer); ok {
		return b.Flush()
	}
	return nil
}

// vulnerableLine colours pkg's "NAME-VERSION is vulnerable:" headings.
func vulnerableLine(line []byte) string {
	if bytes.HasSuffix(line, []byte(" is vulnerable:")) && !bytes.HasPrefix(line, []byte(" ")) {
		return colourRed
	}
	return ""
}
