package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// exitError carries a specific exit code (e.g. 1 for "verification failed").
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "vigil",
		Short:         "Vigil: security operations for hospitals",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.PersistentFlags().String("config", "", "YAML file with flag values (flags > VIGIL_* env > file > defaults)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		return applyEnvAndFile(cmd)
	}
	root.AddCommand(newServeCmd(), newIngestCmd(), newTokenCmd(), newDLQCmd(), newAuditCmd(), newSigmaCmd())
	root.AddCommand(newDetectCmd())
	root.AddCommand(newContextCmd())
	root.AddCommand(newSimulateCmd(), newEvalCmd(), newDemoCmd())
	root.AddCommand(newIncidentCmd(), newAssistCmd())
	root.AddCommand(newPhishCmd())
	root.AddCommand(newPlaybookCmd(), newApprovalCmd())
	return root
}

// applyEnvAndFile fills every flag the user did not set on the command line
// from VIGIL_<FLAG_NAME> (dashes become underscores) or, failing that, from
// the --config YAML file's key of the flag's name. Unknown YAML keys are errors.
func applyEnvAndFile(cmd *cobra.Command) error {
	fileVals := map[string]any{}
	if path, _ := cmd.Flags().GetString("config"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("--config: %w", err)
		}
		if err := yaml.Unmarshal(data, &fileVals); err != nil {
			return fmt.Errorf("--config %s: %w", path, err)
		}
		for k := range fileVals {
			if cmd.Flags().Lookup(k) == nil {
				return fmt.Errorf("--config %s: unknown key %q for %q", path, k, cmd.CommandPath())
			}
		}
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || firstErr != nil || f.Name == "config" || f.Name == "help" {
			return
		}
		env := "VIGIL_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		val, ok := os.LookupEnv(env)
		src := env
		if !ok {
			v, inFile := fileVals[f.Name]
			if !inFile {
				return
			}
			val, src = fmt.Sprint(v), "--config key "+f.Name
			if list, isList := v.([]any); isList {
				parts := make([]string, len(list))
				for i, x := range list {
					parts[i] = fmt.Sprint(x)
				}
				val = strings.Join(parts, ",")
			}
		}
		if err := cmd.Flags().Set(f.Name, val); err != nil {
			firstErr = fmt.Errorf("%s: %w", src, err)
		}
	})
	return firstErr
}
