package behavior

import "fmt"

// valid checks the indexes a snapshot carries, so that a damaged or
// foreign snapshot is rejected at Restore instead of panicking in Detect.
func (s *state) valid() error {
	for k, u := range s.Users {
		for _, r := range []*Ring{&u.DayRing, &u.HourRing, &u.ExportRing} {
			if !r.valid() {
				return fmt.Errorf("user %q: bad ring", k)
			}
		}
	}
	for k, v := range s.Devices {
		if !v.MBRing.valid() {
			return fmt.Errorf("device %q: bad ring", k)
		}
	}
	for k, g := range s.Groups {
		for _, p := range []*PeerRing{&g.Day, &g.Hour, &g.Export} {
			if len(p.V) > peerLen || p.I < 0 || (len(p.V) > 0 && p.I >= len(p.V)) {
				return fmt.Errorf("group %q: bad peer ring", k)
			}
		}
	}
	for k, b := range s.Beacons {
		if b.N > beaconIntervals || b.I >= beaconIntervals {
			return fmt.Errorf("beacon %q: bad interval ring", k)
		}
	}
	return nil
}

func (r *Ring) valid() bool { return r.N <= ringLen && r.I < ringLen }
