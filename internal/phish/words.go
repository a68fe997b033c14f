package phish

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// newWordDecoder decodes RFC 2047 words in any charset golang.org/x/text
// knows; an unknown charset is an error (the caller keeps the raw text).
func newWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(strings.ToLower(charset))
		if err != nil {
			return nil, fmt.Errorf("unknown charset %q", charset)
		}
		return enc.NewDecoder().Reader(input), nil
	}}
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }
