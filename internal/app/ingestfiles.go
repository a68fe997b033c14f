package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	gzip "github.com/klauspost/pgzip"
	"io"
	"os"
)

// IngestResult is the outcome of `vigil ingest`.
type IngestResult struct {
	Accepted   int
	Duplicates int
	Rejected   int
}

// Rejection is one line the decoder or server refused.
type Rejection struct {
	File  string
	Line  int
	Error string
}

// batchSink takes one batch of NDJSON lines (firstLine is the 1-based file
// line of lines[0]) and reports what happened to it.
type batchSink interface {
	send(ctx context.Context, file string, firstLine int, lines [][]byte) (IngestResult, []Rejection, error)
}

const (
	ingestBatchLines = 2000
	ingestBatchBytes = 4 << 20
	maxLineBytes     = 1 << 20
)

// ingestFiles streams every file (NDJSON, gzip detected by magic, "-" for
// stdin) in batches into sink. progress receives bytes read from the files.
func ingestFiles(ctx context.Context, files []string, sink batchSink, progress io.Writer,
	stdin io.Reader, onReject func(Rejection)) (IngestResult, error) {
	var total IngestResult
	for _, name := range files {
		r, closeFn, err := openInput(name, stdin, progress)
		if err != nil {
			return total, err
		}
		res, err := ingestReader(ctx, name, r, sink, onReject)
		closeFn()
		total.Accepted += res.Accepted
		total.Duplicates += res.Duplicates
		total.Rejected += res.Rejected
		if err != nil {
			return total, fmt.Errorf("%s: %w", name, err)
		}
	}
	return total, nil
}

func ingestReader(ctx context.Context, name string, r io.Reader, sink batchSink, onReject func(Rejection)) (IngestResult, error) {
	var total IngestResult
	br := bufio.NewReaderSize(r, 256<<10)
	var lines [][]byte
	size, first, lineNo := 0, 1, 0
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		res, rej, err := sink.send(ctx, name, first, lines)
		total.Accepted += res.Accepted
		total.Duplicates += res.Duplicates
		total.Rejected += res.Rejected
		for _, x := range rej {
			onReject(x)
		}
		lines, size = lines[:0], 0
		first = lineNo + 1
		return err
	}
	for {
		line, err := readLine(br)
		if len(line) > 0 || err == nil {
			lineNo++
			if len(line) > maxLineBytes {
				total.Rejected++
				onReject(Rejection{File: name, Line: lineNo, Error: fmt.Sprintf("line longer than %d bytes", maxLineBytes)})
				line = nil
			}
			// Keep blank and oversized lines as empty placeholders so line
			// numbers stay aligned; receivers skip empty lines.
			lines = append(lines, line)
			size += len(line)
			if len(lines) >= ingestBatchLines || size >= ingestBatchBytes {
				if ferr := flush(); ferr != nil {
					return total, ferr
				}
			}
		}
		if err == io.EOF {
			return total, flush()
		}
		if err != nil {
			return total, fmt.Errorf("line %d: %w", lineNo+1, err)
		}
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

// readLine returns the next line without its newline (and \r), copying it.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf) <= maxLineBytes { // past the limit only the length matters
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = bytes.TrimRight(buf, "\r\n")
		return buf, err
	}
}

func openInput(name string, stdin io.Reader, progress io.Writer) (io.Reader, func(), error) {
	var src io.Reader
	closeFn := func() {}
	if name == "-" {
		src = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, err
		}
		src, closeFn = f, func() { f.Close() }
	}
	if progress != nil {
		src = io.TeeReader(src, progress)
	}
	br := bufio.NewReader(src)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closeFn()
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return zr, func() { zr.Close(); closeFn() }, nil
	}
	return br, closeFn, nil
}
