package behavior

import (
	"fmt"
	"strconv"

	"github.com/vigil-soc/vigil/internal/finding"
)

// Remote-administration services a lateral sweep uses.
var lateralPorts = map[string]string{"445": "SMB", "139": "SMB", "3389": "RDP", "5985": "WinRM", "5986": "WinRM",
	"22": "SSH", "135": "RPC"}
var lateralProtocols = map[string]string{"smb": "SMB", "rdp": "RDP", "winrm": "WinRM", "ssh": "SSH", "dcerpc": "RPC"}

// Fan-out parameters: a workstation maps a handful of file servers and
// printers; 20 distinct internal hosts in 10 minutes is a sweep (network
// discovery or ransomware spreading).
const (
	fanoutHosts  = 20
	fanoutWindow = int64(600)
)

// infrastructureKinds fan out by design (backup, management, scanning).
var infrastructureKinds = map[string]bool{"server": true, "scanner": true, "backup": true, "domain_controller": true}

// fanout reports one internal source opening remote-administration
// connections to many internal hosts (once per source per day).
func (d *Detector) fanout(x *evctx) {
	src, dst := x.ev.Entities.SrcIP, x.ev.Entities.DstIP
	port, proto := x.get("destination.port"), x.get("network.protocol")
	svc := lateralProtocols[proto]
	if svc == "" {
		svc = lateralPorts[port]
	}
	if svc == "" || src == "" || dst == "" || isExternal(src) || isExternal(dst) {
		return
	}
	if d.dir != nil {
		for _, k := range [...]string{x.ev.Entities.Device, x.ev.Entities.Host, src} {
			if kind, _, ok := d.dir.Asset(k); k != "" && ok && infrastructureKinds[kind] {
				return
			}
		}
	}
	s := d.source(x, src)
	now, day := x.t.Unix(), x.day()
	if now-s.FanStart > fanoutWindow {
		s.FanStart = now
		s.Fan.H, s.Fan.I = s.Fan.H[:0], 0
		s.FanEv.Reset()
	}
	if s.Fan.Add(hash32(dst), 2*fanoutHosts) {
		s.FanEv.Add(x.ev.ID, maxEvidence)
	}
	if len(s.Fan.H) < fanoutHosts || s.FanDay == day+1 {
		return
	}
	s.FanDay = day + 1 // +1 so that the zero value means "never"
	x.report(report{rule: "device-lateral", title: "One host opened " + svc + " to many internal hosts",
		sev: finding.SeverityHigh, conf: 0.8, score: float64(len(s.Fan.H)), evidence: s.FanEv.List(x.ev.ID),
		techniques: []string{"T1021", "T1046"},
		baseline:   fmt.Sprintf("threshold %d distinct internal hosts in %d min", fanoutHosts, fanoutWindow/60),
		tags:       []string{"service:" + svc, "fanout:" + strconv.Itoa(len(s.Fan.H))},
		explanation: fmt.Sprintf("Source %s opened %s connections to %d distinct internal hosts within %d minutes (network sweep or lateral movement).",
			src, svc, len(s.Fan.H), fanoutWindow/60)})
}
