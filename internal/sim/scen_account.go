package sim

import (
	"strconv"
	"time"
)

// attackers are the origins of account attacks: country, a public address
// and coordinates (for impossible-travel checks).
var attackers = []struct {
	country, ip string
	lat, lon    float64
}{
	{"RU", "95.213.140.77", 55.7558, 37.6173}, {"NG", "105.112.44.190", 6.5244, 3.3792},
	{"BR", "177.54.148.12", -23.5505, -46.6333}, {"RO", "86.105.9.31", 44.4268, 26.1025},
}

const uaAttacker = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

// genCompromised: a clinician badges in at the hospital during the day;
// three hours after the shift ends the same account logs in from abroad
// (impossible travel) on a new device, off hours, over VPN, and reads 40–80
// charts across the hospital.
func genCompromised(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	i, _, end, ok := g.pickOnShift(r, func(_ int, s *Staff) bool {
		return s.clinical && s.shift != shiftNight12
	})
	if !ok {
		return
	}
	s := &w.staff[i]
	at := attackers[r.IntN(len(attackers))]
	t := end.Add(time.Duration(3*3600+r.IntN(3600)) * time.Second)
	dev := "dev-" + strconv.FormatUint(r.Uint64()%1e9, 16)
	in.Entities.User, in.Entities.IP, in.Params["country"] = s.UserID, at.ip, at.country
	for k := range 3 { // password spraying with the stolen password first fails on MFA
		in.add(g, srcAuth, g.auth(t.Add(time.Duration(k*20)*time.Second), authEv{action: "logon", outcome: "failure",
			user: s.UserID, ip: at.ip, ua: uaAttacker, geo: true, country: at.country, lat: at.lat, lon: at.lon, device: dev}))
	}
	t = t.Add(2 * time.Minute)
	in.add(g, srcAuth, g.auth(t, authEv{action: "mfa-prompt", user: s.UserID, ip: at.ip, ua: uaAttacker, geo: true,
		country: at.country, lat: at.lat, lon: at.lon, device: dev}))
	in.add(g, srcAuth, g.auth(t.Add(30*time.Second), authEv{action: "logon", user: s.UserID, ip: at.ip, ua: uaAttacker,
		geo: true, country: at.country, lat: at.lat, lon: at.lon, device: dev}))
	in.add(g, srcAuth, g.auth(t.Add(45*time.Second), authEv{action: "vpn-connect", user: s.UserID, ip: at.ip, ua: uaAttacker,
		geo: true, country: at.country, lat: at.lat, lon: at.lon, device: dev}))
	t = t.Add(2 * time.Minute)
	for k := range 40 + r.IntN(40) {
		p := &w.patients[r.IntN(len(w.patients))]
		if k == 0 {
			in.Entities.Patient = p.ID
		}
		in.add(g, srcAudit, g.audit(t, audit{user: s.UserID, display: s.First + " " + s.Last, ip: at.ip, patient: p.ID}))
		t = t.Add(time.Duration(5+r.IntN(30)) * time.Second)
	}
}

// genHelpdeskSE follows the HHS HC3 April 2024 sector alert: a caller
// impersonating a finance employee gets the help desk to reset the
// password and MFA; the attacker enrols a new MFA device, logs in from a
// new address and changes a payer's bank details.
func genHelpdeskSE(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	hd, a, b, ok := g.pickWorker(r, func(_ int, s *Staff) bool { return s.Role == "helpdesk" })
	if !ok {
		return
	}
	victim := -1
	for k := range w.staff {
		i := (k + r.IntN(len(w.staff))) % len(w.staff)
		if w.staff[i].Role == "finance" && w.staff[i].active(g.date) {
			victim = i
			break
		}
	}
	if victim < 0 {
		return
	}
	agent, s := &w.staff[hd], &w.staff[victim]
	aws := &w.assets[agent.workstation]
	atIP := "45.83." + strconv.Itoa(r.IntN(250)) + "." + strconv.Itoa(1+r.IntN(250)) // hosting provider, US geo
	dev := "authn-" + strconv.FormatUint(r.Uint64()%1e9, 16)
	t := midShift(r, a, b)
	in.Entities.User, in.Entities.IP = s.UserID, atIP
	in.Params["helpdesk_agent"], in.Params["payee_kind"] = agent.UserID, "payer"
	in.add(g, srcAuth, g.auth(t, authEv{action: "password-reset", user: s.UserID, actor: agent.UserID, ip: aws.IP, host: aws.Host, ua: uaEdge}))
	in.add(g, srcAuth, g.auth(t.Add(90*time.Second), authEv{action: "mfa-reset", user: s.UserID, actor: agent.UserID, ip: aws.IP, host: aws.Host, ua: uaEdge}))
	t = t.Add(time.Duration(600+r.IntN(1200)) * time.Second)
	in.add(g, srcAuth, g.auth(t, authEv{action: "mfa-device-registered", user: s.UserID, ip: atIP, ua: uaAttacker, device: dev,
		geo: true, country: "US", lat: 40.7128, lon: -74.0060}))
	in.add(g, srcAuth, g.auth(t.Add(2*time.Minute), authEv{action: "logon", user: s.UserID, ip: atIP, ua: uaAttacker, device: dev,
		geo: true, country: "US", lat: 40.7128, lon: -74.0060}))
	in.add(g, srcAuth, g.auth(t.Add(3*time.Minute), authEv{action: "vpn-connect", user: s.UserID, ip: atIP, ua: uaAttacker, device: dev,
		geo: true, country: "US", lat: 40.7128, lon: -74.0060}))
	p := payees[r.IntN(4)] // a payer
	in.add(g, srcFinance, g.money(t.Add(time.Duration(900+r.IntN(1800))*time.Second), money{action: "bank-details-change",
		user: s.UserID, payee: p.name, kind: p.kind, last4: strconv.Itoa(1000 + r.IntN(9000)), ip: atIP}))
}

// genFHIREnum: an API client walks patient ids sequentially, hundreds of
// reads a few hundred milliseconds apart, most ids past the real range
// answer 404 (outcome 4).
func genFHIREnum(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	i, a, b, ok := g.pickWorker(r, func(_ int, s *Staff) bool { return s.Role == "research" || s.Role == "it" })
	if !ok {
		return
	}
	s := &w.staff[i]
	ip := "10.99." + strconv.Itoa(r.IntN(250)) + "." + strconv.Itoa(1+r.IntN(250))
	in.Entities.User, in.Entities.IP = s.UserID, ip
	first := len(w.patients) - 60 - r.IntN(60)
	t := midShift(r, a, b)
	n := 200 + r.IntN(150)
	in.Params["requests"] = strconv.Itoa(n)
	for k := range n {
		id := first + k + 1
		au := audit{user: s.UserID, display: "FHIR API client " + s.UserID, ip: ip, patient: patientID(id)}
		if id > len(w.patients) {
			au.outcome = "4"
		}
		if k == 0 {
			in.Entities.Patient = au.patient
		}
		in.add(g, srcAudit, g.audit(t, au))
		t = t.Add(time.Duration(200+r.IntN(400)) * time.Millisecond)
	}
}

func patientID(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 6 {
		s = "0" + s
	}
	return "pat-" + s
}
