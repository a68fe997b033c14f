package main

import (
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-soc/vigil/internal/app"
)

func newServeCmd() *cobra.Command {
	cfg := app.Defaults()
	var logLevel string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Vigil server (embedded NATS JetStream + SQLite by default)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
				return err
			}
			cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
			cfg.Out = cmd.OutOrStdout()
			return app.Serve(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (embedded NATS storage, SQLite, admin token)")
	f.StringVar(&cfg.Listen, "listen", cfg.Listen, "HTTP API address")
	f.StringVar(&cfg.NATSURL, "nats", "", "external NATS server or cluster URLs (nats://a:4222,nats://b:4222); empty = embedded")
	f.StringVar(&cfg.NATSListen, "nats-listen", "", "let other vigil workers reach the embedded NATS at this address (never 4222 by default)")
	f.StringVar(&cfg.NATSPrefix, "nats-prefix", "", "stream and subject name prefix")
	f.StringVar(&cfg.DB, "db", "", "PostgreSQL URL (postgres://…); empty = SQLite in the data directory")
	f.StringVar(&cfg.DBSchema, "db-schema", cfg.DBSchema, "PostgreSQL schema")
	f.StringVar(&cfg.Sync, "sync", cfg.Sync, "JetStream fsync: interval (survives process crash) or always (survives power loss)")
	f.Int64Var(&cfg.StreamMax, "stream-max-bytes", cfg.StreamMax, "event stream size limit; ingest answers 503 when full")
	f.DurationVar(&cfg.Retention, "retention", cfg.Retention, "how long searchable events are kept (0 = forever)")
	f.StringVar(&cfg.SyslogUDP, "syslog-udp", "", "syslog UDP listen address (e.g. 127.0.0.1:5514)")
	f.StringVar(&cfg.SyslogTCP, "syslog-tcp", "", "syslog TCP listen address (octet-counting or newline framing)")
	f.StringVar(&cfg.SyslogTLS, "syslog-tls", "", "syslog over TLS listen address (needs --tls-cert/--tls-key)")
	f.StringVar(&cfg.TLSCert, "tls-cert", "", "TLS certificate file (PEM) for syslog TLS")
	f.StringVar(&cfg.TLSKey, "tls-key", "", "TLS key file (PEM) for syslog TLS")
	f.Int64Var(&cfg.MaxBody, "max-body", cfg.MaxBody, "largest accepted request body in bytes (413 above)")
	f.Int64Var(&cfg.MaxInflightBytes, "max-inflight-bytes", cfg.MaxInflightBytes, "ingest bytes in flight before 429")
	f.Int64Var(&cfg.MemoryLimit, "memory-limit", cfg.MemoryLimit, "Go soft memory limit in bytes (the GC works harder near it); 0 = none")
	f.BoolVar(&cfg.Workers, "workers", cfg.Workers, "run the store and detection consumers in this process")
	f.StringSliceVar(&cfg.Rules, "rules", cfg.Rules, "Sigma rule files or directories, or builtin:healthcare (the embedded pack), repeatable or comma-separated; none = no Sigma rules; reload with SIGHUP or POST /api/v1/rules/reload")
	f.StringVar(&cfg.SigmaConfig, "sigma-config", "", "Sigma placeholder configuration (YAML: name -> values) for the expand modifier")
	f.StringVar(&cfg.PhishConfig, "phish-config", "", "phishing analyzer configuration (YAML: own domains, VIPs, partners, allow-lists); re-read when the file changes")
	f.StringVar(&cfg.SigmaPipeline, "sigma-pipeline", "", "Sigma processing pipeline: windows (default), ecs, or a YAML pipeline file")
	f.BoolVar(&cfg.Incidents.Off, "no-incidents", false, "with --workers: never run the incident correlator here (one worker holding a lease runs it)")
	f.DurationVar(&cfg.Incidents.Window, "incident-window", 24*time.Hour, "findings sharing an entity within this event-time window join one incident")
	f.DurationVar(&cfg.Incidents.HalfLife, "incident-half-life", 12*time.Hour, "half-life of an entity's risk score")
	f.Float64Var(&cfg.Incidents.Threshold, "incident-threshold", 25, "entity risk (severity weight × confidence, decayed) that opens an incident")
	f.StringVar(&cfg.Incidents.LLMURL, "llm-url", "", "OpenAI-compatible Chat Completions base URL for the AI analyst (e.g. http://127.0.0.1:11434/v1); empty = deterministic analyst")
	f.StringVar(&cfg.Incidents.LLMModel, "llm-model", "", "model name for --llm-url")
	f.StringVar(&cfg.Incidents.LLMAPIKey, "llm-api-key", "", "API key for --llm-url (prefer the VIGIL_LLM_API_KEY environment variable)")
	f.StringVar(&cfg.Incidents.LLMMask, "llm-mask", "auto", "mask PHI before calling the model: auto (on unless the URL is loopback or private), on, off")
	f.StringVar(&cfg.Playbooks, "playbooks", "", "directory of response playbooks (YAML) added to the built-in ones")
	f.StringVar(&cfg.Actions, "actions", "", "actions file (YAML): response connectors; secrets as env:NAME or file:PATH (none = dry-run)")
	f.BoolVar(&cfg.DryRun, "dry-run", false, "automated response records what it would do and executes nothing")
	f.StringVar(&cfg.TimeZone, "timezone", "", "the hospital's IANA time zone (e.g. America/New_York) for behaviour analytics days and hours; empty = UTC")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}
