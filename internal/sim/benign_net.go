package sim

import (
	"math/rand/v2"
	"time"
)

var sites = []struct{ domain, path string }{
	{"www.uptodate.com", "/contents/search"}, {"pubmed.ncbi.nlm.nih.gov", "/"}, {"outlook.office365.com", "/mail/"},
	{"teams.microsoft.com", "/_"}, {"www.cdc.gov", "/flu/"}, {"mercyhealth.sharepoint.com", "/sites/policies"},
	{"www.epocrates.com", "/online"}, {"www.nejm.org", "/doi/full"}, {"www.google.com", "/search"},
	{"www.weather.gov", "/box/"}, {"www.nytimes.com", "/section/health"}, {"lexicomp.com", "/lco/action/search"},
	{"kronos.mercyhealth.org", "/wfc/navigator"}, {"workday.com", "/mercyhealth/d/home.htmld"},
}

// browse: proxy traffic during the shift, a few uploads to the intranet
// SharePoint, and now and then a GenAI question without patient data (the
// benign look-alike of the genai-phi-upload scenario).
func (g *dayGen) browse(r *rand.Rand, i int, ws *Asset, start, end time.Time) {
	s := &g.w.staff[i]
	n := 3 + r.IntN(10)
	if s.officeJob {
		n = 15 + r.IntN(30)
	}
	for range n {
		site := pick(r, sites)
		g.web(within(r, start, end), web{user: s.UserID, ip: ws.IP, url: "https://" + site.domain + site.path, domain: site.domain,
			method: "GET", reqBytes: 400 + r.Int64N(1200), status: pick(r, []int{200, 200, 200, 200, 304, 302}), ua: uaEdge})
	}
	if s.officeJob && r.IntN(6) == 0 {
		g.web(within(r, start, end), web{user: s.UserID, ip: ws.IP, url: "https://mercyhealth.sharepoint.com/sites/finance/_api/upload",
			domain: "mercyhealth.sharepoint.com", method: "POST", reqBytes: 50000 + r.Int64N(3000000), status: 200, ua: uaEdge})
	}
	if r.IntN(25) == 0 {
		g.web(within(r, start, end), web{user: s.UserID, ip: ws.IP, url: "https://chatgpt.com/backend-api/conversation",
			domain: "chatgpt.com", method: "POST", reqBytes: 900 + r.Int64N(2000), status: 200, ua: uaEdge,
			body: pick(r, []string{"Summarize the 2024 surviving sepsis campaign bundle in five bullet points",
				"Write a friendly reminder email about the hand hygiene audit next week",
				"Explain the difference between type 1 and type 2 respiratory failure for a nursing student"})})
	}
}

// devices: medical devices report to the interface engine (HL7 over MLLP)
// every 30–60 minutes, imaging modalities send studies to PACS (DICOM),
// and servers are backed up at night over SMB.
func (g *dayGen) devices(r *rand.Rand) {
	for ai := range g.w.assets {
		a := &g.w.assets[ai]
		switch a.Kind {
		case "workstation", "printer":
			continue
		case "server":
			if a.IP != backupIP {
				g.flow(g.at(3600+r.IntN(3600)), flow{src: a.IP, dst: backupIP, transport: "tcp", proto: "smb", sport: 49152 + r.IntN(16000),
					dport: 445, sbytes: 2e9 + r.Int64N(8e9), dbytes: 1e6, device: a.ID, host: a.Host})
			}
			continue
		}
		dst, proto, port := hl7IP, "hl7", 2575
		if a.Kind == "ct_scanner" || a.Kind == "mri_scanner" || a.Kind == "ultrasound" {
			dst, proto, port = pacsIP, "dicom", 104
		}
		every := 1800 + r.IntN(1800)
		for t := r.IntN(every); t < 86400; t += every {
			sb := 2000 + r.Int64N(6000)
			if proto == "dicom" {
				sb = 5e7 + r.Int64N(4e8)
			}
			g.flow(g.at(t), flow{src: a.IP, dst: dst, transport: "tcp", proto: proto, sport: 49152 + r.IntN(16000), dport: port,
				sbytes: sb, dbytes: 300 + r.Int64N(500), device: a.ID, host: a.Host})
		}
	}
}

var payees = []struct{ name, kind string }{
	{"Blue Cross Blue Shield of Rhode Island", "payer"}, {"UnitedHealthcare", "payer"}, {"Medicare Part A (CMS)", "payer"},
	{"Neighborhood Health Plan", "payer"}, {"Cardinal Health", "vendor"}, {"Medline Industries", "vendor"},
	{"Owens & Minor", "vendor"}, {"Sodexo Healthcare Services", "vendor"}, {"Stericycle", "vendor"}, {"Philips Healthcare", "vendor"},
}

// finance: payments through the day and, every few days, a legitimate
// bank-detail change entered by finance staff from the office.
func (g *dayGen) finance(r *rand.Rand) {
	var fin []int
	for i := range g.w.staff {
		if g.w.staff[i].Role == "finance" {
			if _, _, ok := g.w.onShift(i, g.d); ok {
				fin = append(fin, i)
			}
		}
	}
	if len(fin) == 0 {
		return
	}
	for range 4 + r.IntN(10) {
		s := &g.w.staff[pick(r, fin)]
		p := pick(r, payees)
		g.money(g.at(9*3600+r.IntN(7*3600)), money{action: "payment", user: s.UserID, payee: p.name, kind: p.kind,
			last4: itoa(1000 + r.IntN(9000)), ip: g.w.assets[s.workstation].IP, amount: 1000 + r.Int64N(200000)})
	}
	if r.IntN(3) == 0 {
		s := &g.w.staff[pick(r, fin)]
		p := pick(r, payees)
		g.money(g.at(10*3600+r.IntN(5*3600)), money{action: "bank-details-change", user: s.UserID, payee: p.name, kind: p.kind,
			last4: itoa(1000 + r.IntN(9000)), ip: g.w.assets[s.workstation].IP})
	}
}
