package app

import (
	"github.com/vigil-soc/vigil/internal/detect/behavior"
)

// behaviorDetector builds the behavioural analytics detector with its
// documented default parameters and cfg.BehaviorDirectory (nil until the
// hospital context is adapted to behavior.Directory).
func behaviorDetector(cfg Config) *behavior.Detector {
	return behavior.New(behavior.Config{Directory: cfg.BehaviorDirectory})
}
