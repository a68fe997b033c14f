package sim

import (
	"strconv"
	"time"
)

// pickDevice returns a medical device of one of the kinds, scanning from a
// random place.
func (g *dayGen) pickDevice(in *Instance, kinds ...string) *Asset {
	as := g.w.assets
	off := in.r.IntN(len(as))
	for k := range as {
		a := &as[(off+k)%len(as)]
		for _, kd := range kinds {
			if a.Kind == kd {
				return a
			}
		}
	}
	return nil
}

// genBeaconing: an infusion pump or patient monitor calls an external host
// every ~5 minutes (±10 % jitter) for six hours, small requests and
// answers, like a C2 implant polling for tasks.
func genBeaconing(g *dayGen, in *Instance) {
	r := in.r
	a := g.pickDevice(in, "infusion_pump", "patient_monitor")
	if a == nil {
		return
	}
	c2 := "185.220." + strconv.Itoa(100+r.IntN(100)) + "." + strconv.Itoa(1+r.IntN(250))
	domain := "telemetry-sync" + strconv.Itoa(r.IntN(90)+10) + ".net"
	in.Entities.Device, in.Entities.Host, in.Entities.IP = a.ID, a.Host, c2
	in.Params["destination"], in.Params["interval_s"] = domain, "300"
	t := g.at(3600 * (1 + r.IntN(14)))
	for range 72 {
		in.add(g, srcNetwork, g.flow(t, flow{src: a.IP, dst: c2, domain: domain, transport: "tcp", proto: "https",
			sport: 49152 + r.IntN(16000), dport: 443, sbytes: 300 + r.Int64N(200), dbytes: 200 + r.Int64N(300),
			device: a.ID, host: a.Host}))
		t = t.Add(time.Duration(270+r.IntN(60)) * time.Second)
	}
}

// genLateral: a Windows-based modality (ultrasound, CT console) scans SMB
// and RDP on workstations and servers, logs on to some of them over the
// network (4624 type 3 on the targets).
func genLateral(g *dayGen, in *Instance) {
	r := in.r
	a := g.pickDevice(in, "ultrasound", "ct_scanner", "mri_scanner", "medication_cabinet", "lab_analyzer")
	if a == nil {
		return
	}
	in.Entities.Device, in.Entities.Host, in.Entities.IP = a.ID, a.Host, a.IP
	t := g.at(3600 * (1 + r.IntN(20)))
	var targets []*Asset
	for k := range 25 + r.IntN(20) {
		tg := &g.w.assets[r.IntN(len(g.w.assets))]
		if tg.Kind != "workstation" && tg.Kind != "server" {
			continue
		}
		port, proto := 445, "smb"
		if k%3 == 0 {
			port, proto = 3389, "rdp"
		}
		out := "success"
		if r.IntN(3) == 0 {
			out = "failure"
		}
		in.add(g, srcNetwork, g.flow(t, flow{src: a.IP, dst: tg.IP, transport: "tcp", proto: proto, sport: 49152 + r.IntN(16000),
			dport: port, sbytes: 1200 + r.Int64N(5000), dbytes: 800 + r.Int64N(3000), device: a.ID, host: a.Host, outcome: out}))
		if out == "success" && len(targets) < 3 {
			targets = append(targets, tg)
		}
		t = t.Add(time.Duration(5+r.IntN(40)) * time.Second)
	}
	for _, tg := range targets {
		in.add(g, srcWindows, g.win(t, tg.Host, "Security", 4624, kv{"TargetUserName", "svc_" + kindCode(a.Kind)},
			kv{"TargetDomainName", "MERCY"}, kv{"LogonType", "3"}, kv{"IpAddress", a.IP}, kv{"WorkstationName", a.Host},
			kv{"LogonProcessName", "NtLmSsp"}, kv{"AuthenticationPackageName", "NTLM"}))
		t = t.Add(time.Duration(30+r.IntN(60)) * time.Second)
	}
}

// genRansomware: the precursors SigmaHQ rules detect on a workstation:
// vssadmin and wmic shadow-copy deletion, bcdedit disabling recovery,
// wbadmin deleting the backup catalog, then the Security log cleared
// (wevtutil, event 1102).
func genRansomware(g *dayGen, in *Instance) {
	r := in.r
	i, _, _, ok := g.pickWorker(r, func(_ int, s *Staff) bool { return s.officeJob })
	if !ok {
		return
	}
	s := &g.w.staff[i]
	ws := &g.w.assets[s.workstation]
	in.Entities.User, in.Entities.Host, in.Entities.IP, in.Entities.Device = s.UserID, ws.Host, ws.IP, ws.ID
	t := g.at(2*3600 + r.IntN(2*3600)) // at night, hands on keyboard
	steps := []struct{ img, ofn, cmd string }{
		{`C:\Windows\System32\vssadmin.exe`, "VSSADMIN.EXE", `vssadmin.exe delete shadows /all /quiet`},
		{`C:\Windows\System32\wbem\WMIC.exe`, "wmic.exe", `wmic.exe shadowcopy delete /nointeractive`},
		{`C:\Windows\System32\bcdedit.exe`, "bcdedit.exe", `bcdedit.exe /set {default} recoveryenabled no`},
		{`C:\Windows\System32\bcdedit.exe`, "bcdedit.exe", `bcdedit.exe /set {default} bootstatuspolicy ignoreallfailures`},
		{`C:\Windows\System32\wbadmin.exe`, "WBADMIN.EXE", `wbadmin.exe delete catalog -quiet`},
		{`C:\Windows\System32\wevtutil.exe`, "wevtutil.exe", `wevtutil.exe cl Security`},
	}
	for _, st := range steps {
		in.add(g, srcWindows, g.win(t, ws.Host, "Microsoft-Windows-Sysmon/Operational", 1,
			kv{"UtcTime", t.UTC().Format("2006-01-02 15:04:05.000")}, kv{"Image", st.img}, kv{"OriginalFileName", st.ofn},
			kv{"CommandLine", st.cmd}, kv{"ParentImage", `C:\Windows\System32\cmd.exe`},
			kv{"ParentCommandLine", `C:\Windows\system32\cmd.exe /c C:\ProgramData\upd.bat`},
			kv{"User", `MERCY\` + s.UserID}, kv{"IntegrityLevel", "High"}, kv{"CurrentDirectory", `C:\ProgramData\`}))
		t = t.Add(time.Duration(3+r.IntN(20)) * time.Second)
	}
	in.add(g, srcWindows, g.win(t, ws.Host, "Security", 1102, kv{"SubjectUserName", s.UserID},
		kv{"SubjectDomainName", "MERCY"}, kv{"Message", "The audit log was cleared."}))
}
