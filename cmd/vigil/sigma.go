package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

// newSigmaCmd is `vigil sigma`: offline tools for Sigma rules. Here --config
// (alias --sigma-config, the name `vigil serve` uses) is the Sigma placeholder
// configuration, not a file of flag values, so the root's env/file flag
// loading is not applied to these commands.
func newSigmaCmd() *cobra.Command {
	var placeholders string
	cmd := &cobra.Command{
		Use:   "sigma",
		Short: "Check, test and run Sigma rules offline",
		// Overrides the root hook: --config means something else here.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&placeholders, "config", "", "Sigma placeholder configuration (YAML: name -> values) for the expand modifier")
	pf.StringVar(&placeholders, "sigma-config", "", "same as --config")
	cmd.AddCommand(newSigmaCheckCmd(&placeholders), newSigmaTestCmd(&placeholders), newSigmaScanCmd(&placeholders))
	return cmd
}

func newSigmaCheckCmd(placeholders *string) *cobra.Command {
	return &cobra.Command{
		Use:   "check PATH...",
		Short: "Parse and compile rules; list failing rules and print a JSON summary (exit 1 if any failed)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := app.SigmaCheck(args, *placeholders, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if res.Failed > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d of %d rules failed", res.Failed, res.Rules)}
			}
			return nil
		},
	}
}

func newSigmaTestCmd(placeholders *string) *cobra.Command {
	var rules []string
	var regression string
	cmd := &cobra.Command{
		Use:   "test --rules PATH... --regression DIR",
		Short: "Run SigmaHQ regression tests (info.yml + event .json) against rules (exit 1 if any failed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := app.SigmaTest(rules, *placeholders, regression, cmd.OutOrStdout(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if res.Failed > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d regression tests failed", res.Failed)}
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&rules, "rules", nil, "rule files or directories (repeatable or comma-separated)")
	cmd.Flags().StringVar(&regression, "regression", "", "SigmaHQ regression data directory")
	_ = cmd.MarkFlagRequired("rules")
	_ = cmd.MarkFlagRequired("regression")
	return cmd
}

func newSigmaScanCmd(placeholders *string) *cobra.Command {
	cfg := app.SigmaScanConfig{Pipeline: "windows"}
	cmd := &cobra.Command{
		Use:   "scan --rules PATH... [--pipeline windows|ecs|FILE] FILE...",
		Short: "Match NDJSON events (.gz too, - for stdin) against rules; print matches as NDJSON",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.Placeholders = *placeholders
			cfg.Files = args
			cfg.Stdin, cfg.Out, cfg.ErrOut = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			_, err := app.SigmaScan(cmd.Context(), cfg)
			return err
		},
	}
	cmd.Flags().StringSliceVar(&cfg.Rules, "rules", nil, "rule files or directories (repeatable or comma-separated)")
	cmd.Flags().StringVar(&cfg.Pipeline, "pipeline", cfg.Pipeline, "processing pipeline: a built-in name (windows, ecs) or a YAML pipeline file")
	_ = cmd.MarkFlagRequired("rules")
	return cmd
}
