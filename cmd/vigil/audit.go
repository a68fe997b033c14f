package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
	"github.com/vigil-soc/vigil/internal/audit"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Work with the hash-chained audit log"}
	var o app.StoreOptions
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the audit chain; exit 1 and name the first broken entry if it does not hold",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := app.VerifyAudit(cmd.Context(), o)
			var be *audit.BreakError
			if errors.As(err, &be) {
				fmt.Fprintf(cmd.OutOrStdout(), "audit chain BROKEN at entry %d: %s (%d entries before it verified)\n", be.Seq, be.Reason, n)
				return &exitError{code: 1, err: be}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit chain intact: %d entries verified\n", n)
			return nil
		},
	}
	addStoreFlags(verify, &o)
	cmd.AddCommand(verify)
	return cmd
}
