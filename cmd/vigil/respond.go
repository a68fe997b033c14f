package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/respond"
	"github.com/vigil-soc/vigil/internal/respond/action"
)

func newPlaybookCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "playbook", Short: "Check response playbooks"}
	cmd.AddCommand(newPlaybookCheckCmd())
	return cmd
}

func newPlaybookCheckCmd() *cobra.Command {
	var actionsFile string
	cmd := &cobra.Command{
		Use:   "check DIR…",
		Short: "Validate playbook files (exit 1 if any is invalid); with --actions also their connectors",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var exec respond.Executor
			if actionsFile != "" {
				set, err := action.LoadFile(actionsFile)
				if err != nil {
					return err
				}
				exec = set
			}
			out, bad := cmd.OutOrStdout(), 0
			for _, dir := range args {
				pbs, errs := respond.LoadDir(dir)
				for _, err := range errs {
					fmt.Fprintf(cmd.ErrOrStderr(), "invalid: %v\n", err)
				}
				bad += len(errs)
				if exec != nil {
					_, rejected := respond.New(respond.Config{Exec: exec, Playbooks: pbs})
					for _, err := range rejected {
						fmt.Fprintf(cmd.ErrOrStderr(), "invalid: %v\n", err)
					}
					bad += len(rejected)
					pbs = validOnly(pbs, rejected)
				}
				for _, pb := range pbs {
					fmt.Fprintf(out, "ok: %s (%s, %d steps)\n", pb.File, pb.Name, len(pb.Steps))
				}
			}
			if bad > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d invalid playbook file(s)", bad)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&actionsFile, "actions", "", "actions file to check the playbooks' connectors against")
	return cmd
}

func validOnly(pbs []*respond.Playbook, rejected []error) []*respond.Playbook {
	var out []*respond.Playbook
	for _, pb := range pbs {
		ok := true
		for _, err := range rejected {
			ok = ok && !strings.HasPrefix(err.Error(), pb.File+":")
		}
		if ok {
			out = append(out, pb)
		}
	}
	return out
}

func newApprovalCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "approval", Short: "List and decide approval requests of the automated response"}
	cmd.AddCommand(newApprovalListCmd(), newApprovalDecideCmd("approve"), newApprovalDecideCmd("deny"))
	return cmd
}

// approvalView is the part of an approval the CLI prints.
type approvalView struct {
	ID         string `json:"id"`
	IncidentID string `json:"incident_id"`
	Playbook   string `json:"playbook"`
	Step       string `json:"step"`
	Status     string `json:"status"`
	Roles      []string
	Quorum     int `json:"quorum"`
	Decisions  []json.RawMessage
	Expires    string `json:"expires"`
	Reason     string `json:"reason"`
	Context    string `json:"context"`
}

func newApprovalListCmd() *cobra.Command {
	var cf clientFlags
	var status, incident string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List approval requests (default: pending)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			var ans struct {
				Approvals []json.RawMessage `json:"approvals"`
			}
			q := url.Values{"status": {status}, "incident": {incident}}
			if err := c.Do(cmd.Context(), "GET", "/api/v1/approvals?"+q.Encode(), nil, &ans); err != nil {
				return err
			}
			if asJSON {
				for _, a := range ans.Approvals {
					fmt.Fprintln(cmd.OutOrStdout(), string(a))
				}
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSTATUS\tINCIDENT\tPLAYBOOK/STEP\tROLES\tVOTES\tEXPIRES\tREASON")
			for _, raw := range ans.Approvals {
				var a approvalView
				if err := json.Unmarshal(raw, &a); err != nil {
					return err
				}
				reason := a.Reason
				if a.Context != "" {
					reason += " — " + a.Context
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s/%s\t%s\t%d/%d\t%s\t%s\n", a.ID, a.Status, a.IncidentID, a.Playbook, a.Step,
					strings.Join(a.Roles, ","), len(a.Decisions), a.Quorum, a.Expires, reason)
			}
			return w.Flush()
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVar(&status, "status", "pending", "pending, approved, denied, expired or empty for all")
	cmd.Flags().StringVar(&incident, "incident", "", "only this incident's requests")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print NDJSON")
	return cmd
}

func newApprovalDecideCmd(decision string) *cobra.Command {
	var cf clientFlags
	var reason string
	cmd := &cobra.Command{
		Use:   decision + " ID",
		Short: strings.ToUpper(decision[:1]) + decision[1:] + " an approval request (your token's role must be one it lists)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			var a approvalView
			body := map[string]string{"decision": decision, "reason": reason}
			if err := c.Do(cmd.Context(), "POST", "/api/v1/approvals/"+url.PathEscape(args[0]), body, &a); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s (%d decision(s), quorum %d)\n", a.ID, a.Status, len(a.Decisions), a.Quorum)
			return nil
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept in the approval record and the audit chain)")
	return cmd
}
