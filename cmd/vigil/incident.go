package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newIncidentCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "incident", Short: "List, show and update incidents on a running server"}
	cmd.AddCommand(newIncidentListCmd(), newIncidentShowCmd(), newIncidentUpdateCmd())
	return cmd
}

type incidentRow struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Status   string   `json:"status"`
	Severity string   `json:"severity"`
	Assignee string   `json:"assignee"`
	Updated  string   `json:"updated"`
	Entities []string `json:"entities"`
}

func newIncidentListCmd() *cobra.Command {
	var cf clientFlags
	var status, severity, assignee, entity string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents, most recently updated first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			q := url.Values{"limit": {strconv.Itoa(limit)}}
			for k, v := range map[string]string{"status": status, "severity": severity, "assignee": assignee, "entity": entity} {
				if v != "" {
					q.Set(k, v)
				}
			}
			var page struct {
				Incidents []json.RawMessage `json:"incidents"`
			}
			if err := c.Do(cmd.Context(), "GET", "/api/v1/incidents?"+q.Encode(), nil, &page); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				for _, inc := range page.Incidents {
					fmt.Fprintln(out, string(inc))
				}
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tSEVERITY\tASSIGNEE\tUPDATED\tTITLE")
			for _, raw := range page.Incidents {
				var r incidentRow
				if err := json.Unmarshal(raw, &r); err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Severity, dash(r.Assignee), r.Updated, r.Title)
			}
			return tw.Flush()
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "only this status (new, investigating, contained, resolved, false_positive, merged)")
	f.StringVar(&severity, "severity", "", "only this severity")
	f.StringVar(&assignee, "assignee", "", "only this assignee")
	f.StringVar(&entity, "entity", "", "only incidents with this entity (kind:value, e.g. user:jdoe42)")
	f.IntVar(&limit, "limit", 50, "at most this many")
	f.BoolVar(&asJSON, "json", false, "print NDJSON instead of a table")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newIncidentShowCmd() *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{
		Use:   "show INCIDENT",
		Short: "Print one incident with its timeline and findings (JSON)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			var v json.RawMessage
			if err := c.Do(cmd.Context(), "GET", "/api/v1/incidents/"+url.PathEscape(args[0]), nil, &v); err != nil {
				return err
			}
			return printJSON(cmd, v)
		},
	}
	cf.add(cmd)
	return cmd
}

func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newIncidentUpdateCmd() *cobra.Command {
	var cf clientFlags
	var status, severity, assignee, note, merge, split string
	cmd := &cobra.Command{
		Use:   "update INCIDENT",
		Short: "Change status, severity or assignee, add a note, merge other incidents in, or split findings out",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			base := "/api/v1/incidents/" + url.PathEscape(args[0])
			patch := map[string]string{}
			for flag, k := range map[string]string{"status": "status", "severity": "severity", "assignee": "assignee"} {
				if cmd.Flags().Changed(flag) {
					v, _ := cmd.Flags().GetString(flag)
					patch[k] = v
				}
			}
			if len(patch) == 0 && note == "" && merge == "" && split == "" {
				return fmt.Errorf("nothing to do: give --status, --severity, --assignee, --note, --merge or --split")
			}
			var v json.RawMessage
			if len(patch) > 0 {
				if err := c.Do(cmd.Context(), "PATCH", base, patch, &v); err != nil {
					return err
				}
			}
			if note != "" {
				if err := c.Do(cmd.Context(), "POST", base+"/notes", map[string]string{"text": note}, &v); err != nil {
					return err
				}
			}
			if merge != "" {
				if err := c.Do(cmd.Context(), "POST", base+"/merge", map[string][]string{"incidents": splitList(merge)}, &v); err != nil {
					return err
				}
			}
			if split != "" {
				if err := c.Do(cmd.Context(), "POST", base+"/split", map[string][]string{"findings": splitList(split)}, &v); err != nil {
					return err
				}
			}
			return printJSON(cmd, v)
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "new status: investigating, contained, resolved, false_positive")
	f.StringVar(&severity, "severity", "", "new severity")
	f.StringVar(&assignee, "assignee", "", "new assignee (empty string = nobody)")
	f.StringVar(&note, "note", "", "add this note to the timeline")
	f.StringVar(&merge, "merge", "", "comma-separated incident ids to merge into this one")
	f.StringVar(&split, "split", "", "comma-separated finding ids to move into a new incident")
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newAssistCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "assist", Short: "Ask the AI analyst (deterministic, or the LLM configured on the server)"}
	cmd.AddCommand(newAssistSummarizeCmd(), newAssistAskCmd())
	return cmd
}

func newAssistSummarizeCmd() *cobra.Command {
	var cf clientFlags
	var local bool
	var db, schema string
	var ic app.IncidentConfig
	cmd := &cobra.Command{
		Use:   "summarize INCIDENT",
		Short: "Summary, ATT&CK tactics, patient impact and next steps, every statement cited (JSON)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if local {
				ans, err := app.SummarizeLocal(cmd.Context(), app.StoreOptions{DataDir: cf.dataDir, DB: db, Schema: schema}, args[0], ic)
				if err != nil {
					return err
				}
				return printJSON(cmd, ans)
			}
			c, err := cf.client()
			if err != nil {
				return err
			}
			var v json.RawMessage
			if err := c.Do(cmd.Context(), "POST", "/api/v1/incidents/"+url.PathEscape(args[0])+"/summary", nil, &v); err != nil {
				return err
			}
			return printJSON(cmd, v)
		},
	}
	cf.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&local, "local", false, "read the database of --data (or --db) directly instead of asking --server")
	f.StringVar(&db, "db", "", "with --local: PostgreSQL URL (empty = SQLite in --data)")
	f.StringVar(&schema, "db-schema", app.Defaults().DBSchema, "with --local: PostgreSQL schema")
	f.StringVar(&ic.LLMURL, "llm-url", "", "with --local: Chat Completions base URL (empty = deterministic analyst)")
	f.StringVar(&ic.LLMModel, "llm-model", "", "with --local: model name")
	f.StringVar(&ic.LLMAPIKey, "llm-api-key", "", "with --local: API key (prefer VIGIL_LLM_API_KEY)")
	f.StringVar(&ic.LLMMask, "llm-mask", "auto", "with --local: PHI masking auto, on or off")
	return cmd
}

func newAssistAskCmd() *cobra.Command {
	var cf clientFlags
	var inc, entity string
	cmd := &cobra.Command{
		Use:   "ask QUESTION",
		Short: "Ask a question about an --incident or an --entity (kind:value)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			body := map[string]string{"question": args[0]}
			if inc != "" {
				body["incident_id"] = inc
			}
			if entity != "" {
				body["entity"] = entity
			}
			var v json.RawMessage
			if err := c.Do(cmd.Context(), "POST", "/api/v1/assist/ask", body, &v); err != nil {
				return err
			}
			return printJSON(cmd, v)
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVar(&inc, "incident", "", "incident id")
	cmd.Flags().StringVar(&entity, "entity", "", "entity kind:value, e.g. user:jdoe42")
	return cmd
}
