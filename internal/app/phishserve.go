package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	detphish "github.com/vigil-soc/vigil/internal/detect/phish"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/internal/phish"
)

// phishConfigCheck is how often the phish configuration file's mtime is checked.
const phishConfigCheck = 5 * time.Second

var (
	phishFilesMu sync.Mutex
	phishFiles   = map[string]*phish.ConfigFile{}
)

// phishConfig returns the current-configuration function for cfg.PhishConfig
// (one reloading file per path per process; nil config without a path).
func phishConfig(cfg Config) (func() *phish.Config, error) {
	if cfg.PhishConfig == "" {
		return func() *phish.Config { return nil }, nil
	}
	phishFilesMu.Lock()
	defer phishFilesMu.Unlock()
	f, ok := phishFiles[cfg.PhishConfig]
	if !ok {
		var err error
		if f, err = phish.OpenConfigFile(cfg.PhishConfig, phishConfigCheck); err != nil {
			return nil, err
		}
		log := cfg.Logger
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		f.OnReload = func(path string, err error) {
			if err != nil {
				log.Error("phish configuration not reloaded, previous one still active", "file", path, "err", err)
			} else {
				log.Info("phish configuration reloaded", "file", path)
			}
		}
		phishFiles[cfg.PhishConfig] = f
	}
	return f.Current, nil
}

// phishDetector is the pipeline's "phish" detector.
func phishDetector(cfg Config) (*detphish.Detector, error) {
	conf, err := phishConfig(cfg)
	if err != nil {
		return nil, err
	}
	an, err := phish.NewAnalyzer(nil)
	if err != nil {
		return nil, err
	}
	return detphish.New(an, conf, 0), nil
}

// phishDecoders: the decoder set, told the own mail domains (eml user.name).
func phishDecoders(cfg Config) (*decode.Set, error) {
	conf, err := phishConfig(cfg)
	if err != nil {
		return nil, err
	}
	if c := conf(); c != nil {
		return decode.NewSet(decode.WithOwnMailDomains(c.OwnDomains...)), nil
	}
	return decode.NewSet(), nil
}

// phishAPI backs POST /api/v1/email/analyze (history is not consulted: the
// call has no side effects).
func phishAPI(cfg Config) func(context.Context, []byte) any {
	conf, err := phishConfig(cfg)
	if err != nil {
		return nil
	}
	an, err := phish.NewAnalyzer(nil)
	if err != nil {
		return nil
	}
	return func(ctx context.Context, raw []byte) any { return an.Analyze(ctx, raw, conf(), nil) }
}
