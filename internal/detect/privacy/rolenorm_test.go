package privacy

import (
	"testing"
	"time"
)

func TestRoleNormLearnedFromCompletedDays(t *testing.T) {
	d := New(Config{RoleDailyNorm: 250})
	if got := d.roleNorm("him"); got != 250 {
		t.Fatalf("no history: norm %d, want the floor 250", got)
	}
	us := &User{}
	day0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	counts := []uint32{300, 320, 280, 310, 290, 305, 295, 315} // a busy HIM team
	for i, n := range counts {
		us.Day, us.DayCount = int32(day0.Unix()/86400)+int32(i), n
		d.rollRoleDay("him", us, day0.AddDate(0, 0, i+1))
		if us.DayCount != 0 || us.Day != int32(day0.Unix()/86400)+int32(i+1) {
			t.Fatalf("day %d not rolled: %+v", i, us)
		}
		if i+1 < roleNormMinDays && d.roleNorm("him") != 250 {
			t.Fatalf("norm learned from %d days, before the minimum %d", i+1, roleNormMinDays)
		}
	}
	// median 305 (upper middle of 8), MAD 10 → 305 + 6×1.4826×10 ≈ 394.
	if got := d.roleNorm("him"); got < 390 || got > 400 {
		t.Errorf("learned norm %d, want ≈ 394", got)
	}
	if got := d.roleNorm("billing"); got != 250 {
		t.Errorf("another role keeps the floor: %d", got)
	}
	// A nurse's days teach nothing; the same day does not roll.
	nurse := &User{Day: 1, DayCount: 900}
	d.rollRoleDay("nurse", nurse, day0)
	if nurse.DayCount != 900 || d.st.RoleDays[hashStr("nurse")] != nil {
		t.Error("a clinical role's volume was recorded")
	}
	same := &User{Day: int32(day0.Unix() / 86400), DayCount: 40}
	d.rollRoleDay("him", same, day0)
	if same.DayCount != 40 {
		t.Error("the current day was closed")
	}
}

func TestRoleNormNeverBelowFloor(t *testing.T) {
	d := New(Config{RoleDailyNorm: 250})
	for range 30 {
		d.st.roleDayEnded(hashStr("coding"), 20)
	}
	if got := d.roleNorm("coding"); got != 250 {
		t.Errorf("quiet coders lowered the norm to %d", got)
	}
}
