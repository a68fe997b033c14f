package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke API tokens"}
	cmd.AddCommand(newTokenCreateCmd(), newTokenListCmd(), newTokenRevokeCmd())
	return cmd
}

func newTokenCreateCmd() *cobra.Command {
	var o app.StoreOptions
	var role, name string
	cmd := &cobra.Command{
		Use:   "create --role ROLE [--name N]",
		Short: "Create a token and print it (it is stored only as a hash)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secret, tok, err := app.CreateToken(cmd.Context(), o, name, role)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			fmt.Fprintf(cmd.ErrOrStderr(), "token %s (%s, role %s) created; it is shown only now\n", tok.Name, tok.ID, tok.Role)
			return nil
		},
	}
	addStoreFlags(cmd, &o)
	cmd.Flags().StringVar(&role, "role", "", "ingest, viewer, analyst, responder, admin, auditor or clinical_engineering")
	cmd.Flags().StringVar(&name, "name", "", "token name (unique; generated when empty)")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func newTokenListCmd() *cobra.Command {
	var o app.StoreOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			toks, err := app.ListTokens(cmd.Context(), o)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tLAST USED\tREVOKED")
			for _, t := range toks {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role,
					t.Created.Format(time.RFC3339), fmtTime(t.LastUsed), fmtTime(t.Revoked))
			}
			return w.Flush()
		},
	}
	addStoreFlags(cmd, &o)
	return cmd
}

func newTokenRevokeCmd() *cobra.Command {
	var o app.StoreOptions
	cmd := &cobra.Command{
		Use:   "revoke ID|NAME",
		Short: "Revoke a token",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RevokeToken(cmd.Context(), o, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", args[0])
			return nil
		},
	}
	addStoreFlags(cmd, &o)
	return cmd
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
