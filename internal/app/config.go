// Package app is the one place that builds Vigil's components and connects
// them: store, pipeline, detectors, API, syslog listener. It may import every
// other internal package; nothing imports it but cmd/vigil.
package app

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/vigil-soc/vigil/internal/detect/behavior"
	"github.com/vigil-soc/vigil/internal/hospital"
	"github.com/vigil-soc/vigil/internal/respond"
)

// Config is everything `vigil serve` can be told. cmd/vigil fills it from
// flags, VIGIL_* environment variables and an optional YAML file.
type Config struct {
	DataDir    string // embedded NATS + SQLite live here
	Listen     string // HTTP API address
	NATSURL    string // external NATS ("" = embedded)
	NATSListen string // embedded NATS client listener for scale-out workers ("" = in-process only)
	NATSPrefix string // stream/subject prefix ("" = default)
	DB         string // postgres:// DSN ("" = SQLite in DataDir)
	DBSchema   string // PostgreSQL schema
	Sync       string // JetStream sync: interval | always
	StreamMax  int64  // EVENTS stream byte limit
	Retention  time.Duration

	SyslogUDP, SyslogTCP, SyslogTLS string
	TLSCert, TLSKey                 string

	MaxBody          int64
	MaxInflightBytes int64
	MemoryLimit      int64 // Go soft memory limit (GOMEMLIMIT) in bytes; 0 = none
	Workers          bool  // run the store and detect consumers (false for an API-only node)

	Rules       []string // Sigma rule files, directories or builtin:NAME packs (empty or "none" = no sigma detector)
	SigmaConfig string   // Sigma placeholder configuration (YAML) for the expand modifier
	PhishConfig string   // phish configuration YAML (own domains, VIPs, partners, allow-lists); reloaded on change
	// SigmaPipeline is the Sigma processing pipeline: a built-in name
	// (windows, ecs; "" = windows) or a YAML pipeline file.
	SigmaPipeline string

	// BehaviorDirectory gives the behavior detector roles, departments and
	// asset kinds (nil: none yet; the wiring adapts the hospital context).
	BehaviorDirectory behavior.Directory
	Incidents         IncidentConfig // correlation and the AI analyst (incidents.go)
	// Automated response (internal/respond).
	Playbooks   string                // directory of user playbooks (built-ins always load)
	Actions     string                // actions file: connectors and secret references
	DryRun      bool                  // record what playbooks would do, execute nothing
	Safety      respond.SafetyContext // patient-safety guard's context (nil = fail closed)
	IncidentLog respond.IncidentLog   // incident timeline (nil = none)
	// TimeZone is the hospital's IANA time zone ("" = UTC): the behavior
	// detector's calendar days and the hours its explanations print.
	TimeZone string

	Logger *slog.Logger
	Out    io.Writer // where operator messages (token path, addresses) go

	// hospital is the hospital context holder Serve builds from the store;
	// detectors read its current snapshot (nil = no context).
	hospital *hospital.Holder
}

// hospitalContext returns the current hospital context (nil when none).
func (c Config) hospitalContext() *hospital.Context {
	if c.hospital == nil {
		return nil
	}
	return c.hospital.Current()
}

// Defaults returns the embedded single-machine configuration.
func Defaults() Config {
	return Config{
		DataDir:          "vigil-data",
		Listen:           "127.0.0.1:8080",
		DBSchema:         "vigil",
		Sync:             "interval",
		StreamMax:        8 << 30,
		Retention:        30 * 24 * time.Hour,
		MaxBody:          16 << 20,
		MaxInflightBytes: 256 << 20,
		MemoryLimit:      2 << 30,
		Workers:          true,
		Rules:            []string{"builtin:healthcare"},
	}
}

func (c *Config) check() error {
	if c.DataDir == "" {
		return fmt.Errorf("config: --data must not be empty")
	}
	if c.Sync != "interval" && c.Sync != "always" {
		return fmt.Errorf("config: --sync %q: want interval or always", c.Sync)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("config: --tls-cert and --tls-key go together")
	}
	if c.SyslogTLS != "" && c.TLSCert == "" {
		return fmt.Errorf("config: --syslog-tls needs --tls-cert and --tls-key")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	return nil
}

// AdminTokenPath is where the first start writes the admin token.
func AdminTokenPath(dataDir string) string { return filepath.Join(dataDir, "admin.token") }
