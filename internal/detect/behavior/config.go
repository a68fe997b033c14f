package behavior

import (
	"time"
)

// Directory is the context the detector reads: who a user is and what an
// asset is. The wiring adapts the hospital context to it. Implementations
// must be safe for concurrent use and fast (called on the event path); they
// must not block. ok is false when the key is unknown.
type Directory interface {
	// UserGroup returns the role and department of a login name (user_id).
	UserGroup(user string) (role, dept string, ok bool)
	// Asset looks an asset up by asset_id, hostname or ip and returns its
	// kind (e.g. "infusion_pump") and criticality tier (1 = life-sustaining
	// … 4 = office).
	Asset(key string) (kind string, criticality int, ok bool)
}

// Config holds the detector's parameters. The zero value of a field means
// its default (see Defaults); docs/behavior.md justifies each default.
type Config struct {
	Directory Directory      // nil: no peer groups, devices known by device.id only
	Location  *time.Location // the hospital's time zone: where days end, hours printed; default UTC

	MaxEntities   int           // state entries of all kinds (users, devices, sources, pairs, groups…); default 200,000
	IdleExpiry    time.Duration // state of an entity idle this long (event time) is dropped; default 30 days
	BaselineDays  int           // active days a baseline spans (sliding window); always 14 (ringLen), informational
	MinOwnDays    int           // active days before an entity's own baseline is used; default 5
	MinPeerDays   int           // member-days before a peer baseline is used; default 20
	ZThreshold    float64       // robust z at or above which a count is anomalous; default 4
	MinRatio      float64       // ... and at least this multiple of the baseline median; default 2
	MinDistinct   int           // ... and at least this many distinct patients in a day; default 30
	MinHourly     int           // ... or in one hour; default 20
	ColdDaily     int           // distinct patients/day flagged with no baseline at all; default 150
	ColdHourly    int           // distinct patients/hour flagged with no baseline at all; default 60
	MinExports    int           // exports/day below which export volume is never flagged; default 20
	ColdExports   int           // exports/day flagged with no baseline; default 200
	RareHour      float64       // share of active hours at hour±1 below which an hour is rare; default 0.01
	MinActiveHrs  int           // active hours before time-of-day rarity is judged; default 40
	TravelKmh     float64       // speed above which travel is impossible; default 900
	TravelMinKm   float64       // distance below which travel is never impossible; default 500
	MinLogons     int           // successful logons before novelty (IP, device, country) counts; default 10
	MFAWindow     time.Duration // reset → MFA registration window; default 72 h
	ChainWindow   time.Duration // reset/MFA → bank-detail change window; default 7 days
	BurstWindow   time.Duration // failed-login burst window; default 10 min
	BurstCount    int           // failures per user in BurstWindow; default 10
	SprayWindow   time.Duration // password-spray window; default 30 min
	SprayUsers    int           // distinct accounts failing from one source; default 10
	EnumWindow    time.Duration // FHIR enumeration window; default 10 min
	EnumFailures  int           // failed (not found) reads in EnumWindow; default 20
	EnumSequence  int           // consecutive sequential patient ids in EnumWindow; default 20
	DeviceMinDays int           // active days before device novelty counts; default 2
	DeviceMinConn int           // connections before device novelty counts; default 50
	VolumeMinMB   float64       // daily bytes out below which volume is never flagged; default 50 MB
	BeaconMin     int           // intervals before beaconing is judged; default 12
	BeaconMaxCV   float64       // coefficient of variation of intervals at or below which it is periodic; default 0.2
	UploadMinB    int64         // GenAI request bytes counted as an upload without PHI; default 10,000
	GenAIDomains  []string      // default DefaultGenAIDomains
}

// DefaultGenAIDomains are public generative-AI services (sub-domains match).
var DefaultGenAIDomains = []string{
	"chat.openai.com", "chatgpt.com", "api.openai.com", "claude.ai", "api.anthropic.com",
	"gemini.google.com", "bard.google.com", "aistudio.google.com", "copilot.microsoft.com",
	"perplexity.ai", "poe.com", "character.ai", "chat.mistral.ai", "chat.deepseek.com",
	"huggingface.co", "you.com", "pi.ai", "grok.com",
}

// Defaults returns the documented default parameters.
func Defaults() Config {
	return Config{
		Location: time.UTC, MaxEntities: 200_000, IdleExpiry: 30 * 24 * time.Hour,
		BaselineDays: ringLen, MinOwnDays: 5, MinPeerDays: 20, ZThreshold: 4, MinRatio: 2,
		MinDistinct: 30, MinHourly: 20, ColdDaily: 150, ColdHourly: 60, MinExports: 20, ColdExports: 200,
		RareHour: 0.01, MinActiveHrs: 40, TravelKmh: 900, TravelMinKm: 500, MinLogons: 10,
		MFAWindow: 72 * time.Hour, ChainWindow: 7 * 24 * time.Hour,
		BurstWindow: 10 * time.Minute, BurstCount: 10, SprayWindow: 30 * time.Minute, SprayUsers: 10,
		EnumWindow: 10 * time.Minute, EnumFailures: 20, EnumSequence: 20,
		DeviceMinDays: 2, DeviceMinConn: 50, VolumeMinMB: 50, BeaconMin: 12, BeaconMaxCV: 0.2,
		UploadMinB: 10_000, GenAIDomains: DefaultGenAIDomains,
	}
}

// withDefaults fills zero fields from Defaults.
func (c Config) withDefaults() Config {
	d := Defaults()
	setF := func(p *float64, v float64) {
		if *p <= 0 {
			*p = v
		}
	}
	setI := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	setD := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	if c.Location == nil {
		c.Location = d.Location
	}
	c.BaselineDays = ringLen
	for _, p := range []struct {
		p *int
		v int
	}{{&c.MaxEntities, d.MaxEntities}, {&c.MinOwnDays, d.MinOwnDays}, {&c.MinPeerDays, d.MinPeerDays},
		{&c.MinDistinct, d.MinDistinct}, {&c.MinHourly, d.MinHourly}, {&c.ColdDaily, d.ColdDaily},
		{&c.ColdHourly, d.ColdHourly}, {&c.MinExports, d.MinExports}, {&c.ColdExports, d.ColdExports},
		{&c.MinActiveHrs, d.MinActiveHrs}, {&c.MinLogons, d.MinLogons}, {&c.BurstCount, d.BurstCount},
		{&c.SprayUsers, d.SprayUsers}, {&c.EnumFailures, d.EnumFailures}, {&c.EnumSequence, d.EnumSequence},
		{&c.DeviceMinDays, d.DeviceMinDays}, {&c.DeviceMinConn, d.DeviceMinConn}, {&c.BeaconMin, d.BeaconMin}} {
		setI(p.p, p.v)
	}
	for _, p := range []struct {
		p *float64
		v float64
	}{{&c.ZThreshold, d.ZThreshold}, {&c.MinRatio, d.MinRatio}, {&c.RareHour, d.RareHour},
		{&c.TravelKmh, d.TravelKmh}, {&c.TravelMinKm, d.TravelMinKm}, {&c.VolumeMinMB, d.VolumeMinMB},
		{&c.BeaconMaxCV, d.BeaconMaxCV}} {
		setF(p.p, p.v)
	}
	for _, p := range []struct {
		p *time.Duration
		v time.Duration
	}{{&c.IdleExpiry, d.IdleExpiry}, {&c.MFAWindow, d.MFAWindow}, {&c.ChainWindow, d.ChainWindow},
		{&c.BurstWindow, d.BurstWindow}, {&c.SprayWindow, d.SprayWindow}, {&c.EnumWindow, d.EnumWindow}} {
		setD(p.p, p.v)
	}
	if c.UploadMinB <= 0 {
		c.UploadMinB = d.UploadMinB
	}
	if len(c.GenAIDomains) == 0 {
		c.GenAIDomains = d.GenAIDomains
	}
	return c
}
