package app

import (
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/detect/behavior"
)

// behaviorDetector builds the behavioural analytics detector with its
// documented default parameters, cfg.BehaviorDirectory (nil until the
// hospital context is adapted to behavior.Directory) and cfg.TimeZone.
func behaviorDetector(cfg Config) (*behavior.Detector, error) {
	loc := time.UTC
	if cfg.TimeZone != "" {
		l, err := time.LoadLocation(cfg.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("config: --timezone %q: %w", cfg.TimeZone, err)
		}
		loc = l
	}
	return behavior.New(behavior.Config{Directory: cfg.BehaviorDirectory, Location: loc}), nil
}
