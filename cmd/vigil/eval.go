package main

import (
	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newEvalCmd() *cobra.Command {
	var o app.EvalOptions
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score findings and incidents against the simulator's labels (recall, precision, latency, MTTR)",
		Long: "Reads labels.jsonl (and manifest.json and events/auditevent.ndjson next to it, when present) and\n" +
			"either a findings NDJSON file or a running server's findings, incidents and actions. docs/eval.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Out = cmd.OutOrStdout()
			_, err := app.Eval(cmd.Context(), o)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Labels, "labels", "", "labels.jsonl written by vigil simulate")
	f.StringVar(&o.Findings, "findings", "", "findings as NDJSON (one finding per line)")
	f.StringVar(&o.Incidents, "incidents", "", "incidents as NDJSON (with --findings; vigil detect --incidents writes them)")
	f.StringVar(&o.Server, "server", "", "read findings, incidents and actions from a running server (http://HOST:PORT)")
	f.StringVar(&o.Token, "token", "", "API token for --server (or VIGIL_TOKEN)")
	f.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	_ = cmd.MarkFlagRequired("labels")
	return cmd
}
