package syslog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxMessage is the message size limit when none is given.
const DefaultMaxMessage = 64 << 10

// maxLenDigits bounds the octet count ("LEN SP"): 9 digits, under 1 GB.
const maxLenDigits = 9

// FrameError reports a bad frame: oversized or malformed. The Framer has
// already skipped it, so the caller can log it and call Next again.
type FrameError struct {
	Offset int64  // byte offset of the frame's first byte in the stream
	Reason string // what was wrong (never the message content)
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("syslog frame at byte %d: %s", e.Offset, e.Reason)
}

// Framer splits a syslog byte stream into messages per RFC 6587. Each frame
// is either octet-counted ("LEN SP MSG", recognised by a leading digit 1-9)
// or non-transparent: terminated by LF or NUL (a CR before the LF is
// dropped). Both may be mixed on one stream. Empty frames are skipped.
//
// Bad frames give a *FrameError and are skipped: an oversized octet-counted
// frame is discarded by its length, any other bad frame up to the next
// delimiter, where reading resynchronises. A Framer is not safe for
// concurrent use.
type Framer struct {
	r   *bufio.Reader
	max int
	off int64 // bytes consumed so far
}

// NewFramer returns a Framer reading r with a message limit of maxMsg bytes
// (<= 0 means DefaultMaxMessage).
func NewFramer(r io.Reader, maxMsg int) *Framer {
	if maxMsg <= 0 {
		maxMsg = DefaultMaxMessage
	}
	return &Framer{r: bufio.NewReaderSize(r, min(maxMsg+16, 64<<10)), max: maxMsg}
}

// Offset is the number of bytes consumed so far.
func (f *Framer) Offset() int64 { return f.off }

// Next returns the next message, which the caller owns. At the end of the
// stream it returns io.EOF; a frame cut short by the end gives an error
// wrapping io.ErrUnexpectedEOF (octet-counted) or is returned as the last
// message (non-transparent). A *FrameError means the frame was skipped and
// Next may be called again; any other error is final.
func (f *Framer) Next() ([]byte, error) {
	for {
		c, err := f.r.Peek(1)
		if err != nil {
			return nil, err
		}
		start := f.off
		var msg []byte
		if c[0] >= '1' && c[0] <= '9' {
			msg, err = f.octetCounted(start)
		} else {
			msg, err = f.delimited(start)
		}
		if err != nil || len(msg) > 0 {
			return msg, err
		}
	}
}

// octetCounted reads "LEN SP MSG".
func (f *Framer) octetCounted(start int64) ([]byte, error) {
	n := 0
	for digits := 0; ; digits++ {
		c, err := f.readByte()
		if err != nil {
			return nil, unexpected(start, err)
		}
		if c == ' ' {
			break
		}
		if c < '0' || c > '9' || digits == maxLenDigits {
			if c != '\n' && c != 0 {
				if _, err := f.skipToDelim(); err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
			}
			return nil, &FrameError{Offset: start, Reason: fmt.Sprintf("malformed octet count (byte %d)", f.off-1)}
		}
		n = n*10 + int(c-'0')
	}
	if n > f.max {
		d, err := f.r.Discard(n)
		f.off += int64(d)
		if err != nil {
			return nil, unexpected(start, err)
		}
		return nil, &FrameError{Offset: start, Reason: fmt.Sprintf("message of %d bytes exceeds the limit of %d", n, f.max)}
	}
	msg := make([]byte, n)
	m, err := io.ReadFull(f.r, msg)
	f.off += int64(m)
	if err != nil {
		return nil, unexpected(start, err)
	}
	return msg, nil
}

// delimited reads up to LF or NUL. An oversized frame is discarded.
func (f *Framer) delimited(start int64) ([]byte, error) {
	var msg []byte
	over := false
	for {
		var err error
		if f.r.Buffered() == 0 {
			_, err = f.r.Peek(1)
		}
		buf, _ := f.r.Peek(f.r.Buffered())
		if len(buf) == 0 {
			if !errors.Is(err, io.EOF) || (len(msg) == 0 && !over) {
				return nil, err
			}
			break // last message without delimiter
		}
		i := indexDelim(buf)
		chunk := buf
		if i >= 0 {
			chunk = buf[:i]
		}
		if !over && len(msg)+len(chunk) > f.max+1 { // +1: a CR before LF does not count
			over, msg = true, nil
		}
		if !over {
			msg = append(msg, chunk...)
		}
		consumed := len(buf)
		if i >= 0 {
			consumed = i + 1
		}
		d, _ := f.r.Discard(consumed)
		f.off += int64(d)
		if i >= 0 {
			break
		}
	}
	msg = bytes.TrimSuffix(msg, []byte{'\r'})
	if over || len(msg) > f.max {
		return nil, &FrameError{Offset: start, Reason: fmt.Sprintf("message exceeds the limit of %d bytes", f.max)}
	}
	return msg, nil
}

// skipToDelim discards through the next LF or NUL.
func (f *Framer) skipToDelim() (int, error) {
	skipped := 0
	for {
		c, err := f.readByte()
		if err != nil {
			return skipped, err
		}
		skipped++
		if c == '\n' || c == 0 {
			return skipped, nil
		}
	}
}

func (f *Framer) readByte() (byte, error) {
	c, err := f.r.ReadByte()
	if err == nil {
		f.off++
	}
	return c, err
}

func indexDelim(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	if j := bytes.IndexByte(b, 0); j >= 0 && (i < 0 || j < i) {
		return j
	}
	return i
}

func unexpected(start int64, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("syslog frame at byte %d: truncated octet-counted frame: %w", start, err)
}
