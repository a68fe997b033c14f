package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

type clientFlags struct {
	server, token, dataDir string
}

func (c *clientFlags) add(cmd *cobra.Command) {
	d := app.Defaults()
	cmd.Flags().StringVar(&c.server, "server", "http://"+d.Listen, "URL of the running server")
	cmd.Flags().StringVar(&c.token, "token", "", "API token (default: the data directory's admin.token)")
	cmd.Flags().StringVar(&c.dataDir, "data", d.DataDir, "data directory (to find admin.token)")
}

func (c *clientFlags) client() (*app.Client, error) {
	return app.NewClient(c.server, c.token, c.dataDir)
}

func newDLQCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "dlq", Short: "List and replay dead letters (records that could not be decoded)"}
	cmd.AddCommand(newDLQListCmd(), newDLQReplayCmd())
	return cmd
}

func newDLQListCmd() *cobra.Command {
	var cf clientFlags
	var after uint64
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print dead letters as NDJSON, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cf.client()
			if err != nil {
				return err
			}
			var ans struct {
				DeadLetters []json.RawMessage `json:"dead_letters"`
			}
			q := url.Values{"after": {strconv.FormatUint(after, 10)}, "limit": {strconv.Itoa(limit)}}
			if err := c.Do(cmd.Context(), "GET", "/api/v1/dlq?"+q.Encode(), nil, &ans); err != nil {
				return err
			}
			for _, d := range ans.DeadLetters {
				fmt.Fprintln(cmd.OutOrStdout(), string(d))
			}
			return nil
		},
	}
	cf.add(cmd)
	cmd.Flags().Uint64Var(&after, "after", 0, "only dead letters after this sequence number")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	return cmd
}

func newDLQReplayCmd() *cobra.Command {
	var cf clientFlags
	var all bool
	var format string
	cmd := &cobra.Command{
		Use:   "replay [SEQ…|--all]",
		Short: "Decode dead letters again (optionally as --format) and publish those that now decode",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give sequence numbers or --all, not both or neither")
			}
			body := map[string]any{"all": all}
			if format != "" {
				body["format"] = format
			}
			if !all {
				seqs := make([]uint64, 0, len(args))
				for _, a := range args {
					n, err := strconv.ParseUint(a, 10, 64)
					if err != nil {
						return fmt.Errorf("sequence %q: %w", a, err)
					}
					seqs = append(seqs, n)
				}
				body["seqs"] = seqs
			}
			c, err := cf.client()
			if err != nil {
				return err
			}
			var ans json.RawMessage
			if err := c.Do(cmd.Context(), "POST", "/api/v1/dlq/replay", body, &ans); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(ans))
			return nil
		},
	}
	cf.add(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "replay every dead letter")
	cmd.Flags().StringVar(&format, "format", "", "decode as this format instead of the recorded one")
	return cmd
}
