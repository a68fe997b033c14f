package pipeline

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Config configures a Bus. Zero values mean the defaults in brackets.
type Config struct {
	// DataDir is where the embedded server keeps JetStream file storage
	// (DataDir/nats). Required in embedded mode.
	DataDir string
	// URL is "" for an embedded server, else a comma-separated list of
	// external server URLs ("nats://a:4222,nats://b:4222").
	URL string
	// Listen is the embedded server's client listener ("127.0.0.1:4333"),
	// "" for none: only the in-process connection is used then.
	Listen string
	// Prefix of stream names (upper case) and subjects (lower case) ["vigil"].
	// Letters, digits, '_' and '-' only.
	Prefix string
	// Sync is "interval" [JetStream's default sync interval] or "always"
	// (fsync every write). Embedded mode only; an external server has its own.
	Sync string
	// MaxBytes limits the EVENTS stream [8 GiB]; when full, Publish fails
	// with ErrOverloaded (discard new).
	MaxBytes int64
	// MaxAge is the EVENTS retention [72h].
	MaxAge time.Duration
	// Replicas of every stream [1]; 3 for a cluster.
	Replicas int
	// DupWindow is the deduplication window by event id [10m].
	DupWindow time.Duration
	// Partitions is the number of EVENTS subjects [16].
	Partitions int
	// Logger receives operational messages [discard]. Never event content.
	Logger *slog.Logger
}

// Defaults used when a Config field is zero.
const (
	DefaultPrefix     = "vigil"
	DefaultMaxBytes   = 8 << 30
	DefaultMaxAge     = 72 * time.Hour
	DefaultDupWindow  = 10 * time.Minute
	DefaultPartitions = 16
)

// Limits of the side streams (DLQ, FINDINGS): a quarter of MaxBytes, at
// most sideMaxBytes each, since JetStream reserves a stream's MaxBytes on
// the server when the stream is created.
const (
	sideMaxBytes   = 1 << 30
	dlqMaxAge      = 30 * 24 * time.Hour
	findingsMaxAge = 7 * 24 * time.Hour
)

// withDefaults validates cfg and fills in the defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	for _, r := range cfg.Prefix {
		ok := r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return cfg, fmt.Errorf("pipeline: prefix %q: only letters, digits, '_' and '-' are allowed", cfg.Prefix)
		}
	}
	switch cfg.Sync {
	case "", "interval", "always":
	default:
		return cfg, fmt.Errorf("pipeline: sync %q: want \"interval\" or \"always\"", cfg.Sync)
	}
	if cfg.URL == "" && cfg.DataDir == "" {
		return cfg, fmt.Errorf("pipeline: embedded mode needs a data directory")
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if cfg.DupWindow == 0 {
		cfg.DupWindow = DefaultDupWindow
	}
	if cfg.Partitions == 0 {
		cfg.Partitions = DefaultPartitions
	}
	if cfg.MaxBytes < 0 || cfg.MaxAge < 0 || cfg.Replicas < 0 || cfg.DupWindow < 0 || cfg.Partitions < 0 {
		return cfg, fmt.Errorf("pipeline: negative limit in config")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = cfg.Logger.With("component", "pipeline")
	return cfg, nil
}

// names are the stream names and subjects derived from the prefix.
type names struct {
	events, dlq, findings         string // stream names
	state                         string // object store of detector snapshots
	eventSubjects                 []string
	eventsWild, dlqSubj, findSubj string
}

func newNames(prefix string, partitions int) names {
	up, low := strings.ToUpper(prefix), strings.ToLower(prefix)
	n := names{
		events:     up + "_EVENTS",
		dlq:        up + "_DLQ",
		findings:   up + "_FINDINGS",
		state:      up + "_STATE",
		eventsWild: low + ".events.>",
		dlqSubj:    low + ".dlq",
		findSubj:   low + ".findings",
	}
	n.eventSubjects = make([]string, partitions)
	for i := range n.eventSubjects {
		n.eventSubjects[i] = fmt.Sprintf("%s.events.%d", low, i)
	}
	return n
}
