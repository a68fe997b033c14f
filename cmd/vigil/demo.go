package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newDemoCmd() *cobra.Command {
	var o app.DemoOptions
	var rules []string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run Vigil on a simulated hospital: temporary server, all attack scenarios, live counts (Ctrl-C stops)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Out = cmd.OutOrStdout()
			o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			if cmd.Flags().Changed("rules") {
				o.Rules = append([]string{}, rules...)
			}
			return app.Demo(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Profile, "profile", "small", "simulated hospital size: small, medium or large")
	f.IntVar(&o.Days, "days", 2, "simulated days (ending today)")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.StringVar(&o.Speed, "speed", "max", "event-time acceleration: max or e.g. 60x")
	f.StringSliceVar(&rules, "rules", nil, "Sigma rule files or directories (default: rules/healthcare when present)")
	f.BoolVar(&o.Keep, "keep", false, "keep the temporary data directory")
	f.BoolVar(&o.ExitAfterStream, "exit-after-stream", false, "stop once everything is streamed and the counts settle")
	return cmd
}
