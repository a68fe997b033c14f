package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
)

// bodyKind is how an ingest body is split into records.
type bodyKind int

const (
	kindLines bodyKind = iota // NDJSON or text (syslog/CEF): one record a line
	kindJSON                  // one JSON object, concatenated objects, or an array of them
	kindWhole                 // the whole body is one record (format=eml, message/rfc822)
)

// bodyKindOf maps a Content-Type to a body kind.
func bodyKindOf(contentType string) (bodyKind, error) {
	if contentType == "" {
		return kindLines, nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, fmt.Errorf("bad Content-Type %q: %v", contentType, err)
	}
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "text/plain":
		return kindLines, nil
	case "application/json":
		return kindJSON, nil
	case "message/rfc822":
		return kindWhole, nil
	}
	return 0, fmt.Errorf("unsupported Content-Type %q (use application/x-ndjson, application/json or text/plain)", mt)
}

// record is one record of a request body. N is the 1-based line number
// (lines) or element index (JSON). Raw is only valid during the callback.
// Err, when set, says why the record could not be read; Raw then holds at
// most a prefix of it (or nothing).
type record struct {
	N   int
	Raw []byte
	Err error
}

var (
	errLineTooLong   = errors.New("line too long")
	errRecordTooLong = errors.New("record too long")
)

// splitBody reads r and calls fn for each record, keeping at most about
// maxRec bytes of one record in memory (for kindLines). Blank lines are
// skipped but counted. It returns read errors from r and errors from fn;
// a record that cannot be read is passed to fn with Err set. A JSON body
// that stops being valid JSON ends the split after that record.
func splitBody(r io.Reader, kind bodyKind, maxRec int, fn func(record) error) error {
	if kind == kindJSON {
		return splitJSON(r, maxRec, fn)
	}
	if kind == kindWhole {
		return splitWhole(r, maxRec, fn)
	}
	return splitLines(r, maxRec, fn)
}

func splitLines(r io.Reader, maxRec int, fn func(record) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	tooLong := false
	n := 0
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxRec+2 { // +2: the \r\n that is trimmed
				tooLong = true
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		atEOF := err != nil
		if atEOF && len(buf) == 0 && !tooLong {
			return nil
		}
		n++
		line := bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		var ferr error
		switch {
		case tooLong || len(line) > maxRec:
			ferr = fn(record{N: n, Raw: line, Err: errLineTooLong})
		case len(bytes.TrimSpace(line)) == 0:
		default:
			ferr = fn(record{N: n, Raw: line})
		}
		if ferr != nil {
			return ferr
		}
		if atEOF {
			return nil
		}
		buf, tooLong = buf[:0], false
	}
}

// jsonReadError reports whether err from a json.Decoder came from the
// underlying reader (as opposed to the JSON being invalid or cut short).
func jsonReadError(err error) bool {
	var se *json.SyntaxError
	return !errors.As(err, &se) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF)
}

func splitJSON(r io.Reader, maxRec int, fn func(record) error) error {
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if errors.Is(err, io.EOF) {
			return nil // empty body
		}
		if err != nil {
			return err
		}
		if b[0] != ' ' && b[0] != '\t' && b[0] != '\r' && b[0] != '\n' {
			break
		}
		_, _ = br.ReadByte()
	}
	dec := json.NewDecoder(br)
	isArray := false
	if b, _ := br.Peek(1); b[0] == '[' {
		isArray = true
		if _, err := dec.Token(); err != nil {
			return err
		}
	}
	for n := 1; ; n++ {
		if isArray && !dec.More() {
			if _, err := dec.Token(); err != nil { // the closing ]
				if jsonReadError(err) {
					return err
				}
				return fn(record{N: n, Err: fmt.Errorf("invalid JSON after element %d: %v", n-1, err)})
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				if err != nil && jsonReadError(err) {
					return err
				}
				return fn(record{N: n, Err: fmt.Errorf("unexpected data after the array")})
			}
			return nil
		}
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if !isArray && errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if jsonReadError(err) {
				return err
			}
			return fn(record{N: n, Err: fmt.Errorf("invalid JSON: %v", err)})
		}
		rec := record{N: n, Raw: raw}
		if len(raw) > maxRec {
			rec = record{N: n, Err: errRecordTooLong}
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// splitWhole passes the whole body as record 1 (at most maxRec bytes; a
// longer body is one record with Err set and a prefix as Raw).
func splitWhole(r io.Reader, maxRec int, fn func(record) error) error {
	b, err := io.ReadAll(io.LimitReader(r, int64(maxRec)+1))
	if err != nil {
		return err
	}
	if len(b) > maxRec {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		return fn(record{N: 1, Raw: b[:maxRec], Err: errRecordTooLong})
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	return fn(record{N: 1, Raw: b})
}
