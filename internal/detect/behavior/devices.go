package behavior

import (
	"fmt"
	"strconv"

	"github.com/vigil-soc/vigil/internal/finding"
)

// Bounds of one device's novelty sets (FIFO).
const (
	maxDeviceDests = 256
	maxDevicePorts = 64
)

// Device flags raised today.
const (
	flagVolume uint8 = 1 << iota
	flagLateral
)

// deviceState is what the detector keeps per device (asset).
type deviceState struct {
	Last    int64
	Day     int32
	Days    uint16 // active days seen
	Conns   uint32
	Dests   Set    // external destinations (domain, else ip)
	Ports   Set    // protocol/port pairs
	KBToday uint32 // KB sent today
	MBRing  Ring   // MB sent per active day
	MBStat  [2]float32
	Flags   uint8
	Novel   uint8 // novelty findings today
}

// maxNoveltyPerDay bounds a device's new-destination and new-port findings
// per day: a device that starts talking to many new places is reported, and
// an analyst needs five examples, not hundreds.
const maxNoveltyPerDay = 5

func (s *deviceState) lastSeen() int64 { return s.Last }

// userDriven kinds browse anywhere: destination and port novelty is noise.
var userDriven = map[string]bool{"workstation": true, "laptop": true, "desktop": true,
	"thin_client": true, "mobile": true, "tablet": true, "kiosk": true}

// medicalKinds are device kinds that are medical equipment whatever their
// criticality tier.
var medicalKinds = map[string]bool{"ventilator": true, "infusion_pump": true, "patient_monitor": true,
	"ct_scanner": true, "mri": true, "mri_scanner": true, "xray": true, "ultrasound": true,
	"dialysis": true, "anesthesia": true, "defibrillator": true, "pacs_modality": true,
	"lab_analyzer": true, "telemetry": true, "bedside_monitor": true, "medical_device": true,
	// Automated medication dispensing cabinets (Omnicell, Pyxis) are
	// clinical systems on embedded Windows: they talk to their server and
	// the pharmacy system, never open shares or remote desktops themselves.
	"medication_cabinet": true, "dispensing_cabinet": true}

// asset is what the detector knows of the event's source device.
type asset struct {
	key         string
	kind        string
	criticality int
	known       bool // in the directory
}

// medical: a medical kind, or any clinical tier-1/2 asset that is not IT
// (a tier-2 EHR server is critical but not a medical device).
func (a asset) medical() bool {
	if medicalKinds[a.kind] {
		return true
	}
	it := infrastructureKinds[a.kind] || userDriven[a.kind] || a.kind == "printer" || a.kind == "network"
	return a.known && a.criticality >= 1 && a.criticality <= 2 && !it
}

func (a asset) String() string {
	if !a.known {
		return fmt.Sprintf("device %q", a.key)
	}
	return fmt.Sprintf("%s %q (criticality %d)", a.kind, a.key, a.criticality)
}

// sourceAsset identifies the device an event comes from: device.id, or with
// a directory the asset matching device.id, host.name or source.ip. ok is
// false when the source is not a known device.
func (d *Detector) sourceAsset(x *evctx) (asset, bool) {
	e := x.ev.Entities
	if d.dir != nil {
		for _, k := range [...]string{e.Device, e.Host, e.SrcIP} {
			if k == "" {
				continue
			}
			if kind, crit, ok := d.dir.Asset(k); ok {
				key := e.Device
				if key == "" {
					key = k
				}
				return asset{key: key, kind: kind, criticality: crit, known: true}, true
			}
		}
	}
	if e.Device != "" {
		return asset{key: e.Device}, true
	}
	return asset{}, false
}

// onNetwork analyses one network flow from a device.
func (d *Detector) onNetwork(x *evctx) {
	d.fanout(x)
	a, ok := d.sourceAsset(x)
	if !ok {
		return
	}
	s := d.device(x, a.key)
	dstIP := x.ev.Entities.DstIP
	port, proto := x.get("destination.port"), x.get("network.protocol")
	external := dstIP != "" && isExternal(dstIP)
	dest := x.get("destination.domain")
	if dest == "" {
		dest = dstIP
	}
	d.lateral(x, s, a, port, proto, dstIP)
	warm := int(s.Days) >= d.cfg.DeviceMinDays && int(s.Conns) >= d.cfg.DeviceMinConn
	if (port != "" || proto != "") && !ephemeral(port) {
		if s.Ports.Add(hash32(proto+"/"+port), maxDevicePorts) && warm && !userDriven[a.kind] {
			d.novelty(x, s, a, "device-new-port", "Device used a new protocol or port",
				fmt.Sprintf("protocol %s port %s to %s", orDash(proto), orDash(port), orDash(dstIP)), len(s.Ports.H))
		}
	}
	if external && dest != "" {
		if s.Dests.Add(hash32(dest), maxDeviceDests) && warm && !userDriven[a.kind] {
			d.novelty(x, s, a, "device-new-destination", "Device contacted a new external destination",
				fmt.Sprintf("external destination %s (%s)", dest, dstIP), len(s.Dests.H))
		}
		d.beacon(x, a, dest)
	}
	s.Conns++
	if b, ok := x.num("source.bytes"); ok && b > 0 {
		s.KBToday += uint32(min(b/1024, 1<<30))
		d.volume(x, s, a)
	}
}

func (d *Detector) device(x *evctx, key string) *deviceState {
	s := d.st.Devices[key]
	day := x.day()
	if s == nil {
		s = &deviceState{Day: day, Days: 1}
		d.st.Devices[key] = s
	}
	if day > s.Day {
		s.MBRing.Push(s.KBToday / 1024)
		s.MBStat = stat32(s.MBRing.Stats())
		s.Day, s.KBToday, s.Flags, s.Novel = day, 0, 0, 0
		s.Days++
	}
	s.Last = max(s.Last, x.t.Unix())
	return s
}

func (d *Detector) novelty(x *evctx, s *deviceState, a asset, rule, title, what string, known int) {
	if s.Novel >= maxNoveltyPerDay {
		return
	}
	s.Novel++
	sev, conf := finding.SeverityLow, 0.4
	if a.medical() {
		sev, conf = finding.SeverityMedium, 0.6
	}
	x.report(report{rule: rule, title: title, sev: sev, conf: conf, score: 1,
		baseline:    fmt.Sprintf("%d known values over %d connections on %d days", known-1, s.Conns, s.Days),
		techniques:  []string{"T1071"},
		explanation: fmt.Sprintf("The %s opened a connection with %s for the first time.", a, what)})
}

// lateral reports a medical device initiating SMB or RDP (once a day).
func (d *Detector) lateral(x *evctx, s *deviceState, a asset, port, proto, dst string) {
	if !a.medical() || s.Flags&flagLateral != 0 {
		return
	}
	svc := ""
	switch {
	case proto == "smb" || port == "445" || port == "139":
		svc = "SMB"
	case proto == "rdp" || port == "3389":
		svc = "RDP"
	default:
		return
	}
	s.Flags |= flagLateral
	x.report(report{rule: "device-lateral", title: "Medical device initiated " + svc,
		sev: finding.SeverityHigh, conf: 0.8, score: 1, techniques: []string{"T1021.002", "T1021.001"},
		tags:        []string{"service:" + svc},
		explanation: fmt.Sprintf("The %s initiated an %s connection to %s; medical devices do not open file shares or remote desktops.", a, svc, orDash(dst))})
}

// volume compares today's bytes sent with the device's baseline.
func (d *Detector) volume(x *evctx, s *deviceState, a asset) {
	if s.Flags&flagVolume != 0 || int(s.MBRing.N) < d.cfg.MinOwnDays {
		return
	}
	b := baseline{Med: float64(s.MBStat[0]), MAD: float64(s.MBStat[1]), N: int(s.MBRing.N),
		Whose: "this device's", Unit: " (MB/day)"}
	score, ok := anomalous(&d.cfg, b, float64(s.KBToday)/1024, int(d.cfg.VolumeMinMB), 1<<31)
	if !ok {
		return
	}
	s.Flags |= flagVolume
	sev, conf := severityFor(&d.cfg, score)
	x.report(report{rule: "device-volume", title: "Device sent far more data than usual",
		sev: sev, conf: conf, score: score, baseline: "bytes sent per day: " + b.String(),
		techniques:  []string{"T1048"},
		tags:        []string{"kb_today:" + strconv.FormatUint(uint64(s.KBToday), 10)},
		explanation: fmt.Sprintf("The %s has sent %.1f MB today.", a, float64(s.KBToday)/1024)})
}

// ephemeral reports a port of the IANA dynamic range (49152-65535): the
// client side of a conversation, never a service a device chose to use.
func ephemeral(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 49152
}
