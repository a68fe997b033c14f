package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vigil-soc/vigil/internal/app"
)

// fileSource hands out batches of lines of an NDJSON events file (e.g. the
// simulator's events/auditevent.ndjson) to the senders, in file order.
type fileSource struct {
	mu sync.Mutex
	r  *bufio.Reader
	f  *os.File
}

func openFileSource(path string) (*fileSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &fileSource{r: bufio.NewReaderSize(f, 1<<20), f: f}, nil
}

// next returns up to n lines; ok is false at the end of the file.
func (s *fileSource) next(n int) (body []byte, lines int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	for lines < n {
		line, err := s.r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			b.Write(line)
			if line[len(line)-1] != '\n' {
				b.WriteByte('\n')
			}
			lines++
		}
		if err != nil {
			break
		}
	}
	return b.Bytes(), lines, lines > 0
}

func (s *fileSource) Close() error { return s.f.Close() }

// importContext loads hospital context files (a directory such as the
// simulator's context/) into the server through POST /api/v1/context,
// people before the records that refer to them, like `vigil context import`.
func importContext(ctx context.Context, addr, token, dir string, out io.Writer) error {
	err := app.ContextImport(ctx, app.ContextImportOptions{Paths: []string{dir}, Server: addr, Token: token, Out: out})
	if err != nil {
		return fmt.Errorf("context import: %w", err)
	}
	return nil
}
