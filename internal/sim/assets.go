package sim

import (
	"fmt"
	"math/rand/v2"
)

// Asset is one row of assets.csv.
type Asset struct {
	ID, Host, IP, MAC   string
	Kind, Vendor, Model string
	Dept                string
	Crit                int // 1 life-sustaining … 4 office
	deptIdx             int
}

// Well-known servers every hospital has; flows and EHR events point at them.
const (
	ehrIP    = "10.0.0.10"
	pacsIP   = "10.0.0.20"
	hl7IP    = "10.0.0.30"
	fileIP   = "10.0.0.40"
	dcIP     = "10.0.0.5"
	backupIP = "10.0.0.50"
	ehrName  = "Epic Hyperspace EHR"
)

var servers = []struct{ host, ip, model string }{
	{"ehr-app01", ehrIP, "EHR application server"}, {"pacs01", pacsIP, "PACS archive"},
	{"hl7-engine01", hl7IP, "HL7 interface engine"}, {"fs01", fileIP, "File server"},
	{"dc01", dcIP, "Domain controller"}, {"backup01", backupIP, "Backup server"},
}

// deviceKinds: kind, vendor, model, criticality, the departments that have it.
var deviceKinds = []struct {
	kind, vendor, model string
	crit                int
	depts               []string
	weight              int
}{
	{"infusion_pump", "BD", "Alaris 8015", 1, []string{"ICU", "Emergency", "Oncology", "Surgery", "Internal Medicine", "Pediatrics"}, 30},
	{"ventilator", "Hamilton Medical", "C6", 1, []string{"ICU", "Emergency"}, 6},
	{"patient_monitor", "Philips", "IntelliVue MX800", 2, []string{"ICU", "Emergency", "Cardiology", "Surgery", "Obstetrics", "Neurology"}, 25},
	{"ct_scanner", "GE Healthcare", "Revolution CT", 2, []string{"Radiology"}, 1},
	{"mri_scanner", "Siemens Healthineers", "MAGNETOM Vida", 2, []string{"Radiology"}, 1},
	{"ultrasound", "GE Healthcare", "LOGIQ E10", 2, []string{"Radiology", "Obstetrics", "Cardiology"}, 3},
	{"lab_analyzer", "Roche", "cobas 8000", 3, []string{"Laboratory"}, 3},
	{"medication_cabinet", "Omnicell", "XT", 3, []string{"Pharmacy", "ICU", "Emergency"}, 3},
	{"printer", "HP", "LaserJet M507", 4, []string{"Administration", "Billing", "Registration", "HIM", "Emergency"}, 4},
}

// buildAssets makes servers, one workstation per ~3 staff of a department,
// and medical devices for the rest of the profile's device budget.
func (w *World) buildAssets(r *rand.Rand) {
	add := func(a Asset) {
		a.ID = fmt.Sprintf("AST-%06d", len(w.assets)+1)
		n := len(w.assets)
		if a.IP == "" {
			a.IP = fmt.Sprintf("10.%d.%d.%d", 10+a.deptIdx, n/250%250, 1+n%250)
		}
		a.MAC = fmt.Sprintf("00:1a:%02x:%02x:%02x:%02x", r.IntN(256), n>>16&0xff, n>>8&0xff, n&0xff)
		w.assets = append(w.assets, a)
	}
	for _, s := range servers {
		add(Asset{Host: s.host, IP: s.ip, Kind: "server", Vendor: "Dell", Model: s.model, Dept: "IT", Crit: 2,
			deptIdx: deptIndex("IT")})
	}
	perDept := make([]int, len(departments))
	for _, s := range w.staff {
		perDept[s.deptIdx]++
	}
	w.deptWS = make([][]int, len(departments))
	for d, n := range perDept {
		for k := range n/3 + 1 {
			crit := 4
			if d < len(wardDepts) || departments[d] == "Pharmacy" || departments[d] == "Laboratory" || departments[d] == "Radiology" {
				crit = 3
			}
			w.deptWS[d] = append(w.deptWS[d], len(w.assets))
			add(Asset{Host: fmt.Sprintf("ws-%s-%03d", deptCode(departments[d]), k+1), Kind: "workstation",
				Vendor: "Dell", Model: "OptiPlex 7010", Dept: departments[d], Crit: crit, deptIdx: d})
		}
	}
	weights := make([]int, len(deviceKinds))
	for i, k := range deviceKinds {
		weights[i] = k.weight
	}
	for len(w.assets) < w.prof.Devices {
		k := deviceKinds[weighted(r, weights)]
		dept := pick(r, k.depts)
		d := deptIndex(dept)
		w.deptDevices[d] = append(w.deptDevices[d], len(w.assets))
		add(Asset{Host: fmt.Sprintf("%s-%s-%04d", kindCode(k.kind), deptCode(dept), len(w.assets)+1), Kind: k.kind,
			Vendor: k.vendor, Model: k.model, Dept: dept, Crit: k.crit, deptIdx: d})
	}
	for i := range w.staff { // everyone has a usual workstation in their department
		ws := w.deptWS[w.staff[i].deptIdx]
		w.staff[i].workstation = ws[i%len(ws)]
	}
}

func deptCode(d string) string {
	switch d {
	case "Internal Medicine":
		return "med"
	case "Clinical Engineering":
		return "ce"
	case "Administration":
		return "adm"
	case "Registration":
		return "reg"
	case "Emergency":
		return "ed"
	}
	if len(d) > 4 {
		d = d[:4]
	}
	b := []byte(d)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func kindCode(k string) string {
	switch k {
	case "infusion_pump":
		return "pump"
	case "patient_monitor":
		return "mon"
	case "ventilator":
		return "vent"
	case "medication_cabinet":
		return "medcab"
	case "lab_analyzer":
		return "lab"
	case "ct_scanner":
		return "ct"
	case "mri_scanner":
		return "mri"
	case "ultrasound":
		return "us"
	}
	return "prn"
}
