package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

// newDetectCmd is `vigil detect`: the server's detectors over event files,
// offline, findings as NDJSON.
func newDetectCmd() *cobra.Command {
	serve := app.Defaults()
	var outPath, incPath string
	var contextPaths []string
	cmd := &cobra.Command{
		Use:   "detect [flags] FILE|DIR...",
		Short: "Run Vigil's detectors over event files offline (in event-time order); print findings as NDJSON",
		Long: "Reads NDJSON event files (.gz too; directories are searched for *.ndjson), merges them by event\n" +
			"time, runs every detector `vigil serve` would run with the same flags, and writes each finding as\n" +
			"one JSON line (stdout or --out). A summary goes to stderr. Use it with `vigil eval --findings`.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if outPath != "" {
				f, err := os.Create(outPath)
				if err != nil {
					return err
				}
				defer f.Close()
				out = f
			}
			cfg := app.DetectFilesConfig{Serve: serve, Files: args, Out: out, ErrOut: cmd.ErrOrStderr(),
				Context: contextPaths}
			if incPath != "" {
				f, err := os.Create(incPath)
				if err != nil {
					return err
				}
				defer f.Close()
				cfg.Incidents = f
			}
			res, err := app.DetectFiles(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "detect: %d events, %d rejected, findings %s, %.0f events/s\n",
				res.Events, res.Rejected, countsText(res.Findings), float64(res.Events)/max(res.Elapsed.Seconds(), 1e-9))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&outPath, "out", "", "write findings to this file instead of stdout")
	f.StringVar(&incPath, "incidents", "", "also correlate the findings into incidents and write them (NDJSON) to this file")
	f.StringSliceVar(&contextPaths, "context", nil, "hospital context files or directories (FHIR NDJSON, staff.csv, assets.csv), loaded first")
	f.StringSliceVar(&serve.Rules, "rules", serve.Rules, "Sigma rule files, directories or builtin:NAME (none = no Sigma)")
	f.StringVar(&serve.SigmaConfig, "sigma-config", "", "Sigma placeholder configuration (YAML)")
	f.StringVar(&serve.SigmaPipeline, "sigma-pipeline", "", "Sigma processing pipeline: windows (default), ecs, or a YAML file")
	f.Float64Var(&serve.Incidents.Threshold, "incident-threshold", 0, "entity risk that opens an incident (0 = the default, as vigil serve)")
	f.StringVar(&serve.PhishConfig, "phish-config", "", "phish configuration YAML (own domains, VIPs, partners; vigil simulate writes mail.yml)")
	return cmd
}

// countsText renders {"a":1,"b":2} as "a=1 b=2" (sorted), or "none".
func countsText(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, " ")
}
