package privacy

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"time"
)

// Snapshot implements detect.Stateful: the learned state, gob-encoded.
func (d *Detector) Snapshot() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d.st); err != nil {
		return nil, fmt.Errorf("privacy: snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore implements detect.Stateful.
func (d *Detector) Restore(b []byte) error {
	st := newState()
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(st); err != nil {
		return fmt.Errorf("privacy: restore: %w", err)
	}
	d.st = st
	return nil
}

func timeUnix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
