package main

import (
	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newContextCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "context", Short: "Hospital context: staff, patients, encounters, care teams, devices"}
	var o app.ContextImportOptions
	imp := &cobra.Command{
		Use:   "import PATH…",
		Short: "Load FHIR NDJSON (Patient, Practitioner, PractitionerRole, Encounter, CareTeam, RelatedPerson, Condition), staff.csv and assets.csv files or directories",
		Long: "Loads context files into a running server (--server URL --token T) or straight into a data directory (--data).\n" +
			"Each file's base name decides its kind (Patient.ndjson, Encounter_2.ndjson.gz, staff.csv, assets.csv; --kind overrides);\n" +
			"directories are searched for such files. Re-importing a file updates records by id. Rejected rows are printed as\n" +
			"file:line: reason and the rest load; the exit status is 1 only when a file could not be read or sent at all.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths, o.Out = args, cmd.OutOrStdout()
			return app.ContextImport(cmd.Context(), o)
		},
	}
	addStoreFlags(imp, &o.Store)
	f := imp.Flags()
	f.StringVar(&o.Server, "server", "", "URL of a running server (http://127.0.0.1:8080); empty = write into --data")
	f.StringVar(&o.Token, "token", "", "API token with the ingest or admin role (or VIGIL_TOKEN)")
	f.StringVar(&o.Kind, "kind", "", "kind of every file: Patient, Practitioner, PractitionerRole, Encounter, CareTeam, RelatedPerson, Condition, staff, assets")
	cmd.AddCommand(imp)
	return cmd
}
