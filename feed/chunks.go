package feed

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// A big VuXML document of the usual shape — a prolog without an internal
// DTD subset, one <vuxml> root, <vuln> elements one after the other — is
// parsed in chunks, on every CPU, each chunk a year-fragment-like run of
// whole <vuln> elements that starts on a line of its own. A chunk that
// parses on its own is a run of complete elements (a cut inside a
// comment, a CDATA section or an element leaves it unterminated, an
// error), and without entity declarations nothing in it can depend on the
// rest of the document, so the chunks give the entries of the whole
// document. The prolog, the root tag and what follows the root are parsed
// as a skeleton document, for their checks. On any failure the caller
// parses the document whole, for the exact error.
//
// A chunk is read, parsed, converted and dropped by one worker, so that at
// most a few chunks' worth of parser input and model is alive at once.
const (
	chunkMin    = 4 << 20   // smaller documents are parsed whole
	chunkTarget = 512 << 10 // the size aimed at
	chunkWindow = 256 << 10
	cutWindow   = 16 << 10 // read first when looking for a cut
	headWindow  = 256 << 10
	tailWindow  = 64 << 10
)

// readFunc returns the bytes [off, end) of the document, in buf when it
// has to copy them (buf is grown as needed; the result may also be a view
// of the document, which the caller must not modify).
type readFunc func(buf []byte, off, end int64) ([]byte, error)

// chunkResult is one parsed chunk.
type chunkResult struct {
	advs             []advisory.Advisory
	entries, withdrn int
	lines            int // '\n' in the chunk
	ok               bool
	mem              *chunkMem // to give back once the sink has the chunk
}

// chunkMem is the memory a chunk is read and converted into, reused from
// chunk to chunk: the read buffer (the parser points into it) and, for a
// Copier sink, the converter's arrays (the advisories point into both).
type chunkMem struct {
	buf  []byte
	conv converter
}

// parseChunked parses a document of size bytes through read, giving its
// advisories to sink in document order, chunk after chunk, while the
// workers parse ahead (a bounded distance). ok is false when the document
// is not of the usual shape or some part fails to parse: the caller then
// parses it whole (after resetting the sink, which may have received some
// chunks). err is the sink's error.
func parseChunked(read readFunc, size int64, po vuxml.ParseOptions, sink Sink) (info DatabaseInfo, ok bool, err error) {
	if size < chunkMin {
		return info, false, nil
	}
	head, err := read(nil, 0, min(size, headWindow))
	if err != nil {
		return info, false, nil
	}
	tailStart := max(size-tailWindow, 0)
	tail, err := read(nil, tailStart, size)
	if err != nil {
		return info, false, nil
	}
	// The root start tag, with no internal subset (no '[') before it.
	rootStart := bytes.Index(head, []byte("<vuxml"))
	if rootStart < 0 || bytes.IndexByte(head[:rootStart], '[') >= 0 {
		return info, false, nil
	}
	gt := bytes.IndexByte(head[rootStart:], '>')
	if gt < 0 || head[rootStart+gt-1] == '/' {
		return info, false, nil
	}
	contentStart := int64(rootStart + gt + 1)
	end := bytes.LastIndex(tail, []byte("</vuxml"))
	if end < 0 {
		return info, false, nil
	}
	contentEnd := tailStart + int64(end)
	if contentEnd-contentStart < chunkMin/2 {
		return info, false, nil
	}
	// The skeleton: prolog, root start tag, root end tag and epilog.
	skel := append(append([]byte(nil), head[:contentStart]...), tail[end:]...)
	if d, err := vuxml.Parse(skel, po); err != nil || len(d.Entries) != 0 {
		return info, false, nil
	}
	starts, ok := chunkStarts(read, contentStart, contentEnd)
	if !ok {
		return info, false, nil
	}
	// The column of the first chunk's first line.
	col0 := int(contentStart) - (bytes.LastIndexByte(head[:contentStart], '\n') + 1)
	line := bytes.Count(head[:contentStart], []byte("\n")) // '\n' before the chunk

	workers := min(runtime.GOMAXPROCS(0), len(starts))
	done := make([]chan chunkResult, len(starts))
	for i := range done {
		done[i] = make(chan chunkResult, 1)
	}
	// Workers take chunks in order, but no further than ahead chunks past
	// the one the sink is consuming.
	ahead := make(chan struct{}, workers+1)
	// A chunk's memory goes back to free once the sink has had it: at
	// most workers+1 chunks waiting, workers being parsed, and one the
	// sink holds are ever alive.
	_, transient := sink.(Copier)
	free := make(chan *chunkMem, 2*workers+2)
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			// The worker's parser: its memory serves chunk after chunk
			// (the converter copies out what the advisories keep).
			var vp vuxml.Parser
			for {
				ahead <- struct{}{}
				i := int(next.Add(1) - 1)
				if i >= len(starts) || stop.Load() {
					return
				}
				e := contentEnd
				if i+1 < len(starts) {
					e = starts[i+1]
				}
				var m *chunkMem
				select {
				case m = <-free:
				default:
					m = &chunkMem{conv: converter{reuse: transient}}
				}
				r, ok := parseChunk(read, &vp, m, starts[i], e, po, i == 0, col0, !transient)
				r.ok, r.mem = ok, m
				done[i] <- r // buffered: never blocks
			}
		})
	}
	defer func() {
		// Stop the workers: those waiting for room get it and see stop.
		stop.Store(true)
		finished := make(chan struct{})
		go func() { wg.Wait(); close(finished) }()
		for {
			select {
			case <-ahead:
			case <-finished:
				return
			}
		}
	}()
	for i := range starts {
		r := <-done[i]
		<-ahead
		if !r.ok {
			return info, false, nil
		}
		for j := range r.advs {
			r.advs[j].Origin.Line += line
		}
		line += r.lines
		info.Entries += r.entries
		info.Withdrawn += r.withdrn
		if err := sink.Add(r.advs); err != nil {
			return info, true, err
		}
		select {
		case free <- r.mem:
		default:
		}
	}
	return info, true, nil
}

// chunkStarts cuts [start, end) before <vuln> start tags that begin a
// line, about chunkTarget bytes apart. It reads little: a cut is nearly
// always within the first few KB after where it is looked for (cutWindow;
// only when that has none is the rest of chunkWindow read).
func chunkStarts(read readFunc, start, end int64) ([]int64, bool) {
	starts := []int64{start}
	var w []byte
	for at := start + chunkTarget; at < end-chunkTarget/2; at += chunkTarget {
		var err error
		w, err = read(w, at, min(at+cutWindow, end))
		if err != nil {
			return nil, false
		}
		cut := vulnLine(w)
		if cut < 0 && int64(len(w)) < min(chunkWindow, end-at) {
			if w, err = read(w, at, min(at+chunkWindow, end)); err != nil {
				return nil, false
			}
			cut = vulnLine(w)
		}
		if cut < 0 {
			continue
		}
		if c := at + int64(cut); c > starts[len(starts)-1] {
			starts = append(starts, c)
			at = c
		}
	}
	return starts, true
}

// vulnLine returns the offset of the first line of b that starts (after
// blanks) with a <vuln start tag and follows (after blank lines) a line
// ending in </vuln>, or -1: a likely cut between two entries (an unlikely
// one, inside a comment or CDATA section, only costs the chunking).
func vulnLine(b []byte) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("<vuln"))
		if j < 0 {
			return -1
		}
		j += i
		k := j
		for k > 0 && (b[k-1] == ' ' || b[k-1] == '\t') {
			k--
		}
		if k > 0 && b[k-1] == '\n' && j+5 < len(b) {
			c := b[j+5]
			before := bytes.TrimRight(b[:k], " \t\r\n")
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '>') && bytes.HasSuffix(before, []byte("</vuln>")) {
				return k
			}
		}
		i = j + 5
	}
}

// parseChunk parses the chunk [start, end), read into m, as a fragment of
// <vuln> elements and converts it with m's converter (copying the strings
// out of the chunk or not).
func parseChunk(read readFunc, vp *vuxml.Parser, m *chunkMem, start, end int64, po vuxml.ParseOptions, first bool, col0 int, copy bool) (chunkResult, bool) {
	buf, err := read(m.buf, start, end)
	if err != nil {
		return chunkResult{}, false
	}
	m.buf = buf
	po.NoExternalEntities = true
	doc, err := vp.Parse(buf, po)
	if err != nil || len(doc.Entries) == 0 && bytes.Contains(buf, []byte("<vuln")) {
		return chunkResult{}, false
	}
	r := chunkResult{advs: m.conv.convert(doc, copy), entries: len(doc.Entries)}
	// The chunk's lines: those before its last entry, which the parser
	// counted, and those from there on.
	from := 0
	if n := len(doc.Entries); n > 0 {
		if e := doc.Entries[n-1]; e.Pos.Line >= 1 && e.Start >= 0 && e.Start <= len(buf) {
			r.lines, from = e.Pos.Line-1, e.Start
		}
	}
	r.lines += bytes.Count(buf[from:], []byte("\n"))
	for i, e := range doc.Entries {
		if e.Pos.File != po.FileName {
			return chunkResult{}, false
		}
		if e.Cancelled != nil {
			r.withdrn++
		}
		if first && e.Pos.Line == 1 {
			r.advs[i].Origin.Col += col0
		}
	}
	return r, true
}
