package main

import (
	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

// addStoreFlags registers the flags that locate a store on an operator command.
func addStoreFlags(cmd *cobra.Command, o *app.StoreOptions) {
	d := app.Defaults()
	cmd.Flags().StringVar(&o.DataDir, "data", d.DataDir, "data directory")
	cmd.Flags().StringVar(&o.DB, "db", "", "PostgreSQL URL (empty = SQLite in the data directory)")
	cmd.Flags().StringVar(&o.Schema, "db-schema", d.DBSchema, "PostgreSQL schema")
}
