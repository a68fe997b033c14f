package sim

import "time"

// flow is an ECS network flow (network.ndjson).
type flow struct {
	src, dst, domain string
	transport, proto string
	sport, dport     int
	sbytes, dbytes   int64
	device, host     string
	outcome          string
}

func (g *dayGen) flow(t time.Time, f flow) []byte {
	if f.outcome == "" {
		f.outcome = "success"
	}
	j := g.ecsHead(srcNetwork, t, "network", "network", "flow", f.outcome)
	j.close()
	j.obj("source")
	j.str("ip", f.src)
	j.num("port", int64(f.sport))
	j.num("bytes", f.sbytes)
	j.close()
	j.obj("destination")
	j.str("ip", f.dst)
	j.num("port", int64(f.dport))
	j.num("bytes", f.dbytes)
	j.strOpt("domain", f.domain)
	j.close()
	j.obj("network")
	j.str("transport", f.transport)
	j.str("protocol", f.proto)
	j.close()
	if f.device != "" {
		j.obj("device")
		j.str("id", f.device)
		j.close()
	}
	if f.host != "" {
		j.obj("host")
		j.str("name", f.host)
		j.close()
	}
	return g.end()
}

// web is an ECS web-proxy record (proxy.ndjson); body is the DLP excerpt of
// an upload, if the proxy sampled one.
type web struct {
	user, ip, url, domain, method string
	reqBytes                      int64
	status                        int
	ua, body                      string
}

func (g *dayGen) web(t time.Time, p web) []byte {
	out := "success"
	if p.status >= 400 {
		out = "failure"
	}
	j := g.ecsHead(srcProxy, t, "proxy", "web", "http-"+lower(p.method), out)
	j.close()
	j.obj("user")
	j.str("name", p.user)
	j.close()
	j.obj("source")
	j.str("ip", p.ip)
	j.close()
	j.obj("url")
	j.str("full", p.url)
	j.str("domain", p.domain)
	j.close()
	j.obj("http")
	j.obj("request")
	j.str("method", p.method)
	j.num("bytes", p.reqBytes)
	if p.body != "" {
		j.obj("body")
		j.str("content", p.body)
		j.close()
	}
	j.close()
	j.obj("response")
	j.num("status_code", int64(p.status))
	j.close()
	j.close()
	j.obj("user_agent")
	j.str("original", p.ua)
	j.close()
	return g.end()
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// money is an ECS finance record (finance.ndjson).
type money struct {
	action, user, payee, kind, last4, ip string
	amount                               int64
}

func (g *dayGen) money(t time.Time, m money) []byte {
	j := g.ecsHead(srcFinance, t, "finance", "configuration", m.action, "success")
	j.close()
	j.obj("user")
	j.str("name", m.user)
	j.close()
	j.obj("source")
	j.str("ip", m.ip)
	j.close()
	j.obj("finance")
	j.obj("payee")
	j.str("name", m.payee)
	j.str("kind", m.kind)
	j.close()
	j.obj("account")
	j.str("last4", m.last4)
	j.close()
	if m.amount > 0 {
		j.num("amount", m.amount)
	}
	j.close()
	return g.end()
}

// kv is one field of a flat Windows event.
type kv struct{ k, v string }

// win is one flat Windows event (windows.ndjson) like the OTRF/Mordor
// NXLog exports in ../shared/data/events: System fields and EventData side
// by side at top level. RecordNumber counts per host and channel, so
// Vigil's id (channel, host, record number) is unique.
func (g *dayGen) win(t time.Time, host, channel string, eventID int, fields ...kv) []byte {
	j := g.begin(srcWindows, t, "")
	j.ts("@timestamp", t)
	j.str("Hostname", host)
	j.str("Channel", channel)
	j.num("EventID", int64(eventID))
	provider := "Microsoft-Windows-Security-Auditing"
	switch channel {
	case "Microsoft-Windows-Sysmon/Operational":
		provider = "Microsoft-Windows-Sysmon"
	case "System":
		provider = "Service Control Manager"
	}
	if eventID == 1102 {
		provider = "Microsoft-Windows-Eventlog"
	}
	j.str("SourceName", provider)
	j.str("Provider_Name", provider)
	j.str("EventTime", t.UTC().Format("2006-01-02 15:04:05"))
	j.num("RecordNumber", g.w.nextRecord(host, channel))
	for _, f := range fields {
		j.str(f.k, f.v)
	}
	return g.end()
}

func (w *World) nextRecord(host, channel string) int64 {
	k := host + "|" + channel
	w.records[k]++
	return w.records[k]
}
