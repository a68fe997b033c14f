package behavior

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/vigil-soc/vigil/internal/finding"
)

// Bounds of the novelty sets of one user (FIFO: the oldest is forgotten).
const (
	maxKnownIPs       = 16
	maxKnownDevices   = 8
	maxKnownCountries = 8
)

// logonState is a user's authentication history.
type logonState struct {
	Logons    uint32
	IPs       Set // external source ips of successful logons
	Devices   Set // device.id of successful logons
	Countries Set
	Geo       geoFix      // last geolocated successful logon
	GeoEvent  string      // its event id
	NewIPAt   int64       // last logon from a new external ip or country
	Chain     *chainState // help-desk chain, allocated on a reset or MFA registration
}

// chainState is the help-desk chain of one user.
type chainState struct {
	ResetAt int64    // last help-desk password/MFA reset (unix seconds)
	ResetBy string   // the help-desk account that reset it, when known
	MFAAt   int64    // last MFA device registration
	Ev      Evidence // events of the chain
}

type geoFix struct {
	Lat, Lon float32
	T        int64
	Country  string
}

// onAuth analyses an ECS authentication event.
func (d *Detector) onAuth(x *evctx) {
	user, ip := x.ev.Entities.User, x.ev.Entities.SrcIP
	action, outcome := x.get("event.action"), x.get("event.outcome")
	switch action {
	case "logon", "vpn-connect", "mfa-prompt":
		if outcome == "failure" {
			if action != "mfa-prompt" {
				d.failedLogon(x, user, ip)
			}
			return
		}
		if user != "" && action != "mfa-prompt" {
			d.logon(x, user, ip, x.get("device.id"))
		}
	case "password-reset", "mfa-reset":
		if user != "" && outcome != "failure" {
			d.helpdeskReset(x, user)
		}
	case "mfa-device-registered":
		if user != "" && outcome != "failure" {
			d.mfaRegistered(x, user)
		}
	}
}

// onWindows reads Windows logons: 4625 is a failure, 4624 a success.
func (d *Detector) onWindows(x *evctx) {
	switch x.get("EventID") {
	case "4625":
		d.failedLogon(x, x.ev.Entities.User, x.ev.Entities.SrcIP)
	case "4624":
		if u := x.ev.Entities.User; u != "" && !strings.HasSuffix(u, "$") {
			uu := d.user(x, u)
			d.roll(x, u, uu)
			d.activity(x, u, uu)
		}
	}
}

func (d *Detector) logonOf(x *evctx, user string) (*userState, *logonState) {
	u := d.user(x, user)
	d.roll(x, user, u)
	if u.Logon == nil {
		u.Logon = &logonState{}
	}
	return u, u.Logon
}

// logon analyses a successful logon: time of day, novelty and travel.
func (d *Detector) logon(x *evctx, user, ip, device string) {
	u, l := d.logonOf(x, user)
	d.activity(x, user, u)
	d.burstThenSuccess(x, user, u.Fail)
	now := x.t.Unix()
	warm := int(l.Logons) >= d.cfg.MinLogons
	inChain := l.Chain != nil && l.Chain.ResetAt != 0 && now-l.Chain.ResetAt <= int64(d.cfg.ChainWindow.Seconds())
	country := strings.ToUpper(x.get("source.geo.country_iso_code"))
	newCountry := country != "" && !l.Countries.Has(hash32(country))
	newIP := ip != "" && isExternal(ip) && !l.IPs.Has(hash32(ip))
	newDevice := device != "" && !l.Devices.Has(hash32(device))
	orgRare, orgNote := d.orgCountry(x, user, country, len(l.Countries.H) == 0)
	if newCountry || newIP {
		l.NewIPAt = now // a step of the help-desk chain even while warming up
		if inChain {
			l.Chain.Ev.Add(x.ev.ID, chainEvidence)
		}
	}
	switch {
	case warm && (newCountry || newIP):
		d.reportNovelty(x, user, l, ip, country, newCountry, inChain, "")
	case !warm && newCountry && orgRare:
		d.reportNovelty(x, user, l, ip, country, true, inChain, orgNote)
	}
	if warm && newDevice {
		sev := finding.SeverityLow
		if inChain {
			sev = finding.SeverityMedium
		}
		x.report(report{rule: "new-device", title: "Logon from a device this user never used",
			sev: sev, conf: 0.4, score: 1, baseline: fmt.Sprintf("%d known devices over %d logons", len(l.Devices.H), l.Logons),
			techniques: []string{"T1078"},
			explanation: fmt.Sprintf("User %s logged on from device %q for the first time.%s",
				d.who(user), device, chainNote(inChain))})
	}
	d.travel(x, user, l, country)
	if country != "" {
		l.Countries.Add(hash32(country), maxKnownCountries)
	}
	if ip != "" && isExternal(ip) {
		l.IPs.Add(hash32(ip), maxKnownIPs)
	}
	if device != "" {
		l.Devices.Add(hash32(device), maxKnownDevices)
	}
	l.Logons++
}

func chainNote(inChain bool) string {
	if inChain {
		return " This follows a help-desk reset of the account."
	}
	return ""
}

// orgCountryUsers is how many users with geolocated logons the organisation
// baseline of countries needs, and orgCountryRare how few users a country
// may have been seen for and still be rare there.
const (
	orgCountryUsers = 50
	orgCountryRare  = 3
)

// countryState records (up to 8) users who logged on from a country.
type countryState struct {
	Last  int64
	Users Set
}

func (c *countryState) lastSeen() int64 { return c.Last }

// orgCountry is the peer baseline of geography for users still warming up:
// a country seen for fewer than orgCountryRare users of the organisation,
// once orgCountryUsers users have geolocated logons, is rare. It records
// user's logon from country.
func (d *Detector) orgCountry(x *evctx, user, country string, firstGeo bool) (rare bool, note string) {
	if country == "" {
		return false, ""
	}
	c := d.st.Countries[country]
	if c == nil {
		c = &countryState{}
		d.st.Countries[country] = c
	}
	c.Last = max(c.Last, x.t.Unix())
	seen := len(c.Users.H)
	if c.Users.Has(hash32(user)) {
		seen--
	}
	rare = int(d.st.GeoUsers) >= orgCountryUsers && seen < orgCountryRare
	if rare {
		note = fmt.Sprintf("the organisation: %s seen for %d other users of %d with geolocated logons", country, seen, d.st.GeoUsers)
	}
	if len(c.Users.H) < 8 {
		c.Users.Add(hash32(user), 8)
	}
	if firstGeo {
		d.st.GeoUsers++
	}
	return rare, note
}

func (d *Detector) reportNovelty(x *evctx, user string, l *logonState, ip, country string, newCountry, inChain bool, orgNote string) {
	// A new home or mobile address alone is weak evidence (informational);
	// after a help-desk reset it is a step of the chain (medium).
	rule, title, sev, conf := "new-source-ip", "Logon from a new external address", finding.SeverityInfo, 0.3
	what := fmt.Sprintf("external address %s", ip)
	if inChain {
		sev = finding.SeverityMedium
	}
	if newCountry {
		rule, title, sev, conf = "new-country", "Logon from a new country", finding.SeverityMedium, 0.6
		what = fmt.Sprintf("country %s (address %s)", country, ip)
		if inChain {
			sev = finding.SeverityHigh
		}
	}
	base := fmt.Sprintf("%d known external addresses and %d countries over %d logons", len(l.IPs.H), len(l.Countries.H), l.Logons)
	if orgNote != "" {
		base = orgNote + " (this user is still warming up)"
	}
	x.report(report{rule: rule, title: title, sev: sev, conf: conf, score: 1,
		baseline:   base,
		techniques: []string{"T1078"},
		evidence:   []string{x.ev.ID},
		explanation: fmt.Sprintf("User %s logged on from %s for the first time.%s",
			d.who(user), what, chainNote(inChain))})
}

// travel compares a geolocated logon with the previous one.
func (d *Detector) travel(x *evctx, user string, l *logonState, country string) {
	lat, okA := x.num("source.geo.location.lat")
	lon, okO := x.num("source.geo.location.lon")
	if !okA || !okO || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return
	}
	now := x.t.Unix()
	prev, prevEv := l.Geo, l.GeoEvent
	l.Geo, l.GeoEvent = geoFix{Lat: float32(lat), Lon: float32(lon), T: now, Country: strings.Clone(country)}, strings.Clone(x.ev.ID)
	if prevEv == "" || now < prev.T {
		return
	}
	km := haversineKm(float64(prev.Lat), float64(prev.Lon), lat, lon)
	hours := float64(now-prev.T) / 3600
	if km < d.cfg.TravelMinKm {
		return
	}
	kmh := math.Inf(1)
	if hours > 0 {
		kmh = km / hours
	}
	if kmh <= d.cfg.TravelKmh {
		return
	}
	speed := "at the same time"
	score := 100.0
	if !math.IsInf(kmh, 1) {
		speed = fmt.Sprintf("%.0f km/h", kmh)
		score = kmh / d.cfg.TravelKmh
	}
	x.report(report{rule: "impossible-travel", title: "Impossible travel between two logons",
		sev: finding.SeverityHigh, conf: 0.75, score: score, evidence: []string{prevEv, x.ev.ID},
		techniques: []string{"T1078"},
		baseline:   fmt.Sprintf("maximum plausible speed %.0f km/h", d.cfg.TravelKmh),
		tags:       []string{fmt.Sprintf("distance_km:%.0f", km)},
		explanation: fmt.Sprintf("User %s logged on %.0f km away from the previous logon %s later (%s; countries %s → %s).",
			d.who(user), km, fmtHours(hours), speed, orDash(prev.Country), orDash(country))})
}

func fmtHours(h float64) string {
	if h < 1 {
		return fmt.Sprintf("%.0f min", h*60)
	}
	return fmt.Sprintf("%.1f h", h)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// haversineKm is the great-circle distance in km.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(min(a, 1)))
}

// isExternal reports whether ip is a public address (not private,
// loopback, link-local or unspecified). Unparsable addresses are not.
func isExternal(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	return !(a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || isCGNAT(a))
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func isCGNAT(a netip.Addr) bool { return cgnat.Contains(a) }
