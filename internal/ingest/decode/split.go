package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// SplitJSONStream splits data holding several JSON values, concatenated or
// separated by whitespace (NDJSON, or pretty-printed objects one after the
// other as in evtx dumps), into one slice per value. The slices alias data.
// A broken value stops the split: the error names its byte offset and line,
// and the values before it are returned.
func SplitJSONStream(data []byte) ([][]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out [][]byte
	var skip json.RawMessage
	start := int64(0)
	for {
		// Find where the next value starts (after whitespace).
		s := int(start)
		for s < len(data) && isSpace(data[s]) {
			s++
		}
		err := dec.Decode(&skip)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			off := int64(s)
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = int64(syntaxPos(data, se))
			} else if errors.Is(err, io.ErrUnexpectedEOF) {
				off = int64(len(data))
			}
			line, col := lineCol(data, int(off))
			return out, fmt.Errorf("JSON value %d (starting at line %d): broken at byte %d (line %d, column %d): %w",
				len(out)+1, lineOf(data, s), off, line, col, err)
		}
		end := dec.InputOffset()
		out = append(out, data[s:end])
		start = end
	}
}

func lineOf(b []byte, off int) int {
	l, _ := lineCol(b, off)
	return l
}
