package app

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/detect/logclear"
	"github.com/vigil-soc/vigil/internal/detect/privacy"
	"github.com/vigil-soc/vigil/internal/detect/promptinject"
	"github.com/vigil-soc/vigil/internal/detect/sigmarules"
)

// Detectors is the explicit list of detectors `vigil serve` runs for cfg:
// logclear, behavior, phish, privacy (reading the hospital context) and
// promptinject always,
// and the sigma detector when cfg.Rules names rule paths.
// The sigma detector is also returned on its own (nil without rules) so the
// server can reload it.
func Detectors(cfg Config) ([]detect.Detector, *sigmarules.Detector, error) {
	var ds []detect.Detector
	if cfg.Incidents.shared != nil {
		ds = append(ds, sharedObserver{cfg.Incidents.shared})
	}
	ds = append(ds, logclear.New())
	bd, err := behaviorDetector(cfg)
	if err != nil {
		return nil, nil, err
	}
	ds = append(ds, bd)
	if pd, err := phishDetector(cfg); err != nil {
		return nil, nil, err
	} else {
		ds = append(ds, pd)
	}
	ds = append(ds, privacy.New(privacy.Config{Context: cfg.hospitalContext}), promptinject.New())
	if len(cfg.Rules) == 0 || len(cfg.Rules) == 1 && (cfg.Rules[0] == "none" || cfg.Rules[0] == "") {
		return ds, nil, nil
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p, err := SigmaPipeline(cfg.SigmaPipeline)
	if err != nil {
		return nil, nil, err
	}
	sd, err := sigmarules.New(sigmarules.Config{Paths: cfg.Rules, PlaceholdersFile: cfg.SigmaConfig,
		Pipeline: p, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	return append(ds, sd), sd, nil
}

// rulesReloader returns the function behind POST /api/v1/rules/reload and
// SIGHUP (nil without a sigma detector: the API then answers 501). Results
// are logged with rule counts only, never event content.
func rulesReloader(sd *sigmarules.Detector, log *slog.Logger) func() error {
	if sd == nil {
		return nil
	}
	return func() error {
		if err := sd.Reload(); err != nil {
			log.Error("sigma rules reload failed, previous rules still active", "err", err)
			return err
		}
		log.Info("sigma rules reloaded", "rules", sd.Rules(), "skipped_files", len(sd.SkippedFiles()),
			"version", sd.Version())
		return nil
	}
}

// reloadOnSIGHUP calls reload on every SIGHUP until ctx is done. Without
// rules a SIGHUP is logged and ignored (it no longer stops the server).
func reloadOnSIGHUP(ctx context.Context, reload func() error, log *slog.Logger) error {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	defer signal.Stop(ch)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ch:
			if reload == nil {
				log.Info("SIGHUP: no rules to reload (start with --rules)")
				continue
			}
			_ = reload() // logged by the reloader
		}
	}
}
