// Package sigmarules connects the public Sigma engine (package sigma at the
// module root) to Vigil's pipeline: it adapts event.Event to sigma.Event,
// loads rule directories, and provides the `sigma` detector (findings with
// explanations, correlations, transactional reload) and the SigmaHQ
// regression runner used by `vigil sigma test`.
package sigmarules

import (
	"strings"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/sigma"
)

// Event adapts a Vigil event to sigma.Event. It also implements
// sigma.FieldRanger, so the engine reads every field in one pass and a
// repeated key (a flattened array) matches when any of its values does, and
// sigma.LogsourceEvent, so rules whose logsource the pipeline cannot map to
// channels (Linux, cloud, FHIR, ...) are routed by the event's own logsource.
type Event struct {
	ev *event.Event
}

// Wrap returns the sigma view of ev. It does not copy ev; the wrapper must
// not outlive it.
func Wrap(ev *event.Event) Event { return Event{ev: ev} }

// Field implements sigma.Event: the first value of name (exact match).
func (e Event) Field(name string) (string, bool) { return e.ev.Get(name) }

// RangeFields implements sigma.FieldRanger.
func (e Event) RangeFields(fn func(name, value string)) {
	for i := range e.ev.Fields {
		fn(e.ev.Fields[i].Key, e.ev.Fields[i].Value)
	}
}

// Keywords implements sigma.Event: it offers every field value.
func (e Event) Keywords(fn func(string) bool) bool {
	for i := range e.ev.Fields {
		if fn(e.ev.Fields[i].Value) {
			return true
		}
	}
	return false
}

// Logsource implements sigma.LogsourceEvent. The Sigma logsource of an event
// is derived from its format and fields:
//
//   - winevt, evtx: empty: the Windows pipeline routes these by Channel and
//     EventID, and product-only "windows" rules (keyword searches that
//     would then run on every Windows event) stay with the routed set;
//   - fhir: product "fhir", service "auditevent";
//   - ecs: product from event.module, else observer.product; category from
//     event.category (its first value); service from event.dataset;
//   - syslog: product "linux" when syslog.appname names a Linux daemon or
//     tool (sshd, sudo, su, cron, systemd, auditd, kernel, ...), else empty;
//   - cef: product from cef.device_product;
//   - anything else: empty.
//
// All parts are lower-cased, as Sigma logsource values are.
func (e Event) Logsource() sigma.Logsource {
	var ls sigma.Logsource
	switch e.ev.Format {
	case event.FormatFHIR:
		ls.Product, ls.Service = "fhir", "auditevent"
	case event.FormatECS:
		ls.Product = e.lower("event.module")
		if ls.Product == "" {
			ls.Product = e.lower("observer.product")
		}
		ls.Category = e.lower("event.category")
		ls.Service = e.lower("event.dataset")
	case event.FormatSyslog:
		if app, _ := e.ev.Get("syslog.appname"); isLinuxApp(app) {
			ls.Product = "linux"
		}
	case event.FormatCEF:
		ls.Product = e.lower("cef.device_product")
	}
	return ls
}

func (e Event) lower(key string) string {
	v, _ := e.ev.Get(key)
	return strings.ToLower(strings.TrimSpace(v))
}

// linuxApps are syslog app names that mark a record as coming from Linux.
var linuxApps = map[string]bool{
	"sshd": true, "sudo": true, "su": true, "cron": true, "crond": true, "anacron": true,
	"systemd": true, "systemd-logind": true, "auditd": true, "audit": true, "kernel": true,
	"login": true, "useradd": true, "userdel": true, "usermod": true, "groupadd": true,
	"passwd": true, "chpasswd": true, "polkitd": true, "dbus-daemon": true, "rsyslogd": true,
	"networkmanager": true, "dhclient": true, "named": true, "vsftpd": true, "pam": true,
}

func isLinuxApp(app string) bool {
	app = strings.ToLower(app)
	if i := strings.IndexByte(app, '['); i >= 0 {
		app = app[:i]
	}
	return linuxApps[app] || strings.HasPrefix(app, "systemd-")
}

var (
	_ sigma.FieldRanger    = Event{}
	_ sigma.LogsourceEvent = Event{}
)
