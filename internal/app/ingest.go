package app

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"

	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/internal/pipeline"
	"github.com/vigil-soc/vigil/internal/store"
)

// IngestOptions configure `vigil ingest`.
type IngestOptions struct {
	Files  []string
	Server string // send to a running server (with Token) ...
	Token  string
	Store  StoreOptions // ... or straight into this data directory
	Format string       // declared format ("" = detect per record)
	Stdin  io.Reader
	Stderr io.Writer // progress bar and rejected lines
	Quiet  bool      // no progress bar
}

// Ingest sends files into Vigil and returns the counts.
func Ingest(ctx context.Context, o IngestOptions) (IngestResult, error) {
	if len(o.Files) == 0 {
		return IngestResult{}, fmt.Errorf("ingest: no files given (use - for standard input)")
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	format, err := decode.ParseFormat(o.Format)
	if err != nil {
		return IngestResult{}, err
	}
	bar := newBar(o)
	shown := 0
	onReject := func(r Rejection) {
		if shown < 20 {
			fmt.Fprintf(o.Stderr, "\n%s:%d: %s", r.File, r.Line, r.Error)
		} else if shown == 20 {
			fmt.Fprintf(o.Stderr, "\n(further rejected lines are in the dead-letter queue)")
		}
		shown++
	}
	var progress io.Writer
	if bar != nil {
		progress = bar
		defer bar.Finish()
	}
	if o.Server != "" {
		if o.Token == "" {
			return IngestResult{}, fmt.Errorf("ingest: --server needs --token (or VIGIL_TOKEN)")
		}
		sink, err := newRemoteSink(o.Server, o.Token, o.Format)
		if err != nil {
			return IngestResult{}, err
		}
		return ingestFiles(ctx, o.Files, sink, progress, o.Stdin, onReject)
	}
	return ingestLocal(ctx, o, format, progress, onReject)
}

func ingestLocal(ctx context.Context, o IngestOptions, format eventFormat, progress io.Writer, onReject func(Rejection)) (IngestResult, error) {
	unlock, err := lockDataDir(o.Store.DataDir)
	if err != nil {
		return IngestResult{}, fmt.Errorf("%w (send to the running server with --server URL --token T)", err)
	}
	defer unlock()
	bus, err := pipeline.Open(ctx, pipeline.Config{DataDir: o.Store.DataDir})
	if err != nil {
		return IngestResult{}, err
	}
	defer bus.Close()
	sink := &localSink{bus: bus, decoders: decode.NewSet(), format: format, source: "cli"}
	res, ierr := ingestFiles(ctx, o.Files, sink, progress, o.Stdin, onReject)
	detail := fmt.Sprintf(`{"accepted":%d,"duplicates":%d,"rejected":%d}`, res.Accepted, res.Duplicates, res.Rejected)
	aerr := withStore(ctx, o.Store, "", "", func(st store.Store) error {
		_, err := auditAppend(ctx, st, "cli", "ingest", "ingest --data", detail)
		return err
	})
	if ierr != nil {
		return res, ierr
	}
	return res, aerr
}

func newBar(o IngestOptions) *progressbar.ProgressBar {
	if o.Quiet {
		return nil
	}
	var total int64
	for _, f := range o.Files {
		if f == "-" {
			total = -1
			break
		}
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(o.Stderr),
		progressbar.OptionSetDescription("ingest"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(200_000_000),
		progressbar.OptionClearOnFinish())
}
