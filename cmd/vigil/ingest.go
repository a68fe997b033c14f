package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newIngestCmd() *cobra.Command {
	var o app.IngestOptions
	cmd := &cobra.Command{
		Use:   "ingest FILE…",
		Short: "Send NDJSON files (.gz too, - for stdin) to a running server (--server) or into a data directory (--data)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Files = args
			o.Stdin, o.Stderr = cmd.InOrStdin(), cmd.ErrOrStderr()
			res, err := app.Ingest(cmd.Context(), o)
			fmt.Fprintf(cmd.OutOrStdout(), "accepted %d, duplicates %d, rejected %d\n", res.Accepted, res.Duplicates, res.Rejected)
			return err
		},
	}
	addStoreFlags(cmd, &o.Store)
	f := cmd.Flags()
	f.StringVar(&o.Server, "server", "", "URL of a running server (http://127.0.0.1:8080); empty = write into --data")
	f.StringVar(&o.Token, "token", "", "API token with the ingest role (or VIGIL_TOKEN)")
	f.StringVar(&o.Format, "format", "", "declared format: ecs, winevt, evtx, fhir, cef, syslog, json (empty = detect)")
	f.BoolVar(&o.Quiet, "quiet", false, "no progress bar")
	return cmd
}
