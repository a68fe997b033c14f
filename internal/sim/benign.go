package sim

import (
	"math/rand/v2"
	"time"
)

// Random streams of the day generators (see dayGen.rng).
const (
	rsEHR = iota + 1
	rsAuth
	rsNet
	rsProxy
	rsFin
	rsMail
	rsService
)

// benign generates the day's normal activity of every person, device and
// service account.
func (g *dayGen) benign() {
	rEHR, rAuth, rProxy := g.rng(rsEHR), g.rng(rsAuth), g.rng(rsProxy)
	for i := range g.w.staff {
		s := &g.w.staff[i]
		if s.Role == "service_account" {
			continue
		}
		start, end, ok := g.w.onShift(i, g.d)
		if !ok {
			if s.officeJob && rAuth.IntN(12) == 0 && s.active(g.date) {
				g.vpnEvening(rAuth, i) // weekend or day-off check of mail from home
			}
			continue
		}
		ws := g.workstation(i)
		g.sessions(rAuth, i, ws, start, end)
		g.ehrDay(rEHR, i, ws, start, end)
		g.browse(rProxy, i, ws, start, end)
	}
	g.services(g.rng(rsService))
	g.helpdesk(rAuth)
	g.devices(g.rng(rsNet))
	g.finance(g.rng(rsFin))
	g.benignMail(g.rng(rsMail))
}

// workstation is the asset staff member i uses today: a shared workstation
// of the department they work in (residents and float nurses move).
func (g *dayGen) workstation(i int) *Asset {
	dep := g.w.workDept(i, g.d)
	ws := g.w.deptWS[dep]
	return &g.w.assets[ws[(i+g.d)%len(ws)]]
}

const (
	uaBadge = "Imprivata OneSign Agent/7.10 (Windows NT 10.0; Win64; x64)"
	uaVPN   = "Cisco AnyConnect Secure Mobility Client/4.10.07073 (Windows 10)"
	uaEdge  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
	uaPhone = "Microsoft Authenticator/6.2410.6896 (iPhone; iOS 18.1)"
)

// sessions: badge-tap logons through the shift (clinicians re-authenticate
// at shared workstations many times a day), a Windows 4624 for each, an
// occasional typo (failure, 4625), and a logoff at the end.
func (g *dayGen) sessions(r *rand.Rand, i int, ws *Asset, start, end time.Time) {
	s := &g.w.staff[i]
	n := 2 + r.IntN(3)
	if s.clinical {
		n = 5 + r.IntN(8)
	}
	t := start.Add(-time.Duration(r.IntN(900)) * time.Second)
	step := end.Sub(start) / time.Duration(n)
	for k := range n {
		if r.IntN(40) == 0 {
			g.auth(t, authEv{action: "logon", outcome: "failure", user: s.UserID, ip: ws.IP, host: ws.Host, ua: uaBadge})
			g.win(t, ws.Host, "Security", 4625, kv{"TargetUserName", s.UserID}, kv{"TargetDomainName", "MERCY"},
				kv{"LogonType", "2"}, kv{"IpAddress", ws.IP}, kv{"Status", "0xc000006d"}, kv{"SubStatus", "0xc000006a"})
			t = t.Add(7 * time.Second)
		}
		g.auth(t, authEv{action: "logon", user: s.UserID, ip: ws.IP, host: ws.Host, ua: uaBadge})
		g.win(t, ws.Host, "Security", 4624, kv{"TargetUserName", s.UserID}, kv{"TargetDomainName", "MERCY"},
			kv{"LogonType", "2"}, kv{"IpAddress", ws.IP}, kv{"WorkstationName", ws.Host},
			kv{"LogonProcessName", "User32"}, kv{"AuthenticationPackageName", "Negotiate"})
		if k == 0 {
			g.process(t.Add(20*time.Second), ws, s.UserID, `C:\Program Files (x86)\Epic\Hyperspace\Hyperspace.exe`,
				`"C:\Program Files (x86)\Epic\Hyperspace\Hyperspace.exe" -env=PRD`)
		}
		g.flow(t.Add(2*time.Second), flow{src: ws.IP, dst: dcIP, transport: "udp", proto: "dns", sport: 50000 + r.IntN(15000),
			dport: 53, sbytes: 80, dbytes: 160, host: ws.Host, device: ws.ID})
		g.flow(t.Add(3*time.Second), flow{src: ws.IP, dst: ehrIP, transport: "tcp", proto: "https", sport: 50000 + r.IntN(15000),
			dport: 443, sbytes: 20000 + r.Int64N(200000), dbytes: 200000 + r.Int64N(2000000), host: ws.Host, device: ws.ID})
		t = t.Add(step/2 + time.Duration(r.Int64N(int64(step))))
		if t.After(end) {
			break
		}
	}
	g.auth(end.Add(time.Duration(r.IntN(1800))*time.Second), authEv{action: "logoff", user: s.UserID, ip: ws.IP, host: ws.Host, ua: uaBadge})
}

// process is a Sysmon process-creation event (EventID 1).
func (g *dayGen) process(t time.Time, ws *Asset, user, image, cmd string) []byte {
	parent := `C:\Windows\explorer.exe`
	return g.win(t, ws.Host, "Microsoft-Windows-Sysmon/Operational", 1,
		kv{"UtcTime", t.UTC().Format("2006-01-02 15:04:05.000")}, kv{"Image", image}, kv{"CommandLine", cmd},
		kv{"ParentImage", parent}, kv{"ParentCommandLine", parent}, kv{"User", `MERCY\` + user},
		kv{"IntegrityLevel", "Medium"}, kv{"CurrentDirectory", `C:\Users\` + user + `\`})
}

// vpnEvening: an office worker connects from home (MFA prompt, VPN).
func (g *dayGen) vpnEvening(r *rand.Rand, i int) {
	s := &g.w.staff[i]
	t := g.at(18*3600 + r.IntN(4*3600))
	g.auth(t, authEv{action: "mfa-prompt", user: s.UserID, ip: s.homeIP, ua: uaPhone, geo: true, country: "US", lat: s.Lat, lon: s.Lon})
	g.auth(t.Add(9*time.Second), authEv{action: "vpn-connect", user: s.UserID, ip: s.homeIP, ua: uaVPN, geo: true,
		country: "US", lat: s.Lat, lon: s.Lon})
}

// helpdesk: a few password resets a day done by an on-duty help-desk
// agent; one in five is followed by the user registering a new phone
// (benign look-alike of the social-engineering scenario).
func (g *dayGen) helpdesk(r *rand.Rand) {
	var agents []int
	for i := range g.w.staff {
		if g.w.staff[i].Role == "helpdesk" {
			if _, _, ok := g.w.onShift(i, g.d); ok {
				agents = append(agents, i)
			}
		}
	}
	if len(agents) == 0 {
		return
	}
	n := 1 + len(g.w.staff)/150
	for range n {
		a := &g.w.staff[pick(r, agents)]
		u := &g.w.staff[r.IntN(len(g.w.staff))]
		if u.Role == "service_account" || !u.active(g.date) {
			continue
		}
		t := g.at(8*3600 + r.IntN(8*3600))
		aws := &g.w.assets[a.workstation]
		g.auth(t, authEv{action: "password-reset", user: u.UserID, actor: a.UserID, ip: aws.IP, host: aws.Host, ua: uaEdge})
		if r.IntN(5) == 0 {
			g.auth(t.Add(time.Duration(300+r.IntN(3000))*time.Second), authEv{action: "mfa-device-registered", user: u.UserID,
				ip: g.w.assets[u.workstation].IP, ua: uaPhone, device: "authn-" + u.UserID + "-" + itoa(g.d+2)})
		}
	}
}
