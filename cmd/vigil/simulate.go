package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
	"github.com/vigil-soc/vigil/internal/sim"
)

func newSimulateCmd() *cobra.Command {
	var o app.SimulateOptions
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Generate a simulated hospital's telemetry with labelled attacks (and optionally stream it into a server)",
		Long: "Writes context/ (FHIR NDJSON, staff.csv, assets.csv), events/ (NDJSON), email/ (.eml), labels.jsonl and\n" +
			"manifest.json; the same arguments always give byte-identical files. Scenarios: all or a list of\n" +
			strings.Join(sim.ScenarioNames(), ", ") + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Stdout = cmd.OutOrStdout()
			_, err := app.Simulate(cmd.Context(), o)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Profile, "profile", "small", "size: small (≈300 staff, 5k patients), medium (≈3k, 100k), large (≈10k, 500k)")
	f.IntVar(&o.Days, "days", 7, "number of simulated days")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.StringVar(&o.Scenarios, "scenarios", "all", "attack scenarios: all, none, or a comma-separated list")
	f.StringVar(&o.Start, "start", "", "day 0 as YYYY-MM-DD (default "+sim.DefaultStart.Format("2006-01-02")+")")
	f.StringVar(&o.Out, "out", "", "output directory (must be empty unless --force)")
	f.BoolVar(&o.Force, "force", false, "write into a non-empty --out, replacing earlier simulator output")
	addStreamFlags(cmd, &o.Stream)
	return cmd
}

func addStreamFlags(cmd *cobra.Command, s *app.StreamOptions) {
	f := cmd.Flags()
	f.StringVar(&s.To, "to", "", "stream into a running server (http://HOST:PORT)")
	f.StringVar(&s.Token, "token", "", "API token for --to (ingest role; or VIGIL_TOKEN)")
	f.StringVar(&s.Speed, "speed", "max", "event-time acceleration when streaming: max or e.g. 60x")
	f.StringVar(&s.ApproveToken, "approve-token", "", "simulated approver: token that approves pending approvals (GET/POST /api/v1/approvals)")
	f.DurationVar(&s.ApproveDelay, "approve-delay", 0, "simulated approver: approve a pending approval this long after first seeing it")
	f.DurationVar(&s.ApproveLinger, "approve-linger", time.Minute, "simulated approver: after the stream, keep approving until nothing was pending for this long (the server is still detecting)")
}
