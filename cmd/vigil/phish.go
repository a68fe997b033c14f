package main

import (
	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

// newPhishCmd is `vigil phish`: the stand-alone email analyzer and its
// training command.
func newPhishCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "phish", Short: "Analyse email for phishing, BEC and impersonation; train the model"}
	cmd.AddCommand(newPhishAnalyzeCmd(), newPhishTrainCmd())
	return cmd
}

func newPhishAnalyzeCmd() *cobra.Command {
	var c app.PhishAnalyzeConfig
	cmd := &cobra.Command{
		Use:   "analyze [--json] [--phish-config FILE] FILE.eml|DIR|-...",
		Short: "Verdict (phish, suspicious, clean), score 0-100 and reasons per message; exit 0 whatever the verdicts",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c.Paths, c.Stdin, c.Out, c.Err = args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			_, err := app.PhishAnalyze(cmd.Context(), c)
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVar(&c.JSON, "json", false, "one JSON object per message on stdout (summary on stderr)")
	f.StringVar(&c.Config, "phish-config", "", "YAML: own domains, VIPs, partners, allow-lists (docs/phishing.md)")
	f.StringVar(&c.Model, "model", "", "model file (default: the model built into vigil)")
	return cmd
}

func newPhishTrainCmd() *cobra.Command {
	c := app.PhishTrainConfig{Version: "dev"}
	cmd := &cobra.Command{
		Use:   "train --spamassassin DIR --out FILE",
		Short: "Train the phishing model (SpamAssassin + hospital-style corpus) and print the test-split report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.Report = cmd.OutOrStdout()
			return app.PhishTrain(c)
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.SpamAssassin, "spamassassin", "../shared/data/email/spamassassin", "SpamAssassin corpus (ham/ and spam/ of .eml)")
	f.StringVar(&c.Out, "out", "internal/phish/model/model.json", "model file to write (\"\" = none)")
	f.IntVar(&c.PerFamily, "per-family", 30, "hospital-style messages per template family")
	f.StringVar(&c.Version, "version", "dev", "model version string")
	f.StringVar(&c.DumpHospital, "dump-hospital", "", "also write the hospital-style corpus as .eml files under this directory")
	f.StringSliceVar(&c.EvalSim, "eval-sim", nil, "also score the e-mail of these `vigil simulate --out` directories (labels.jsonl, mail.yml) with the trained model; repeat or comma-separate")
	return cmd
}
