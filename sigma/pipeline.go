package sigma

import "strings"

// Pipeline adapts rules to the shape of the events they run on: which event
// fields a rule field name is read from, and which events a rule's logsource
// stands for.
type Pipeline struct {
	Name string
	// FieldMap maps a rule field name to the event field names to try, in
	// order. Names not in the map are looked up as written.
	FieldMap map[string][]string
	// FieldPrefixes are tried, in order, after the plain name: with
	// "Event.EventData." a rule field Image is also found as
	// Event.EventData.Image (nested evtx JSON).
	FieldPrefixes []string
	// SpacedNames also looks a CamelCase rule field up with spaces between
	// its words (ThreatName as "Threat Name"), as Windows Defender and some
	// other providers name their EventData members.
	SpacedNames bool
	// ChannelField and EventIDField name the rule-side fields whose values
	// route events to rules (they are mapped through FieldMap/FieldPrefixes
	// like any other field).
	ChannelField, EventIDField string
	// Routes map logsources to the channels and event ids they stand for.
	Routes []Route
	// FieldMapFor are field mappings that apply only to rules of a given
	// logsource. For a rule field, the first entry whose logsource covers
	// the rule's (see LogsourceFieldMap) and that maps the name wins over
	// FieldMap.
	FieldMapFor []LogsourceFieldMap
}

// LogsourceFieldMap is a field mapping for the rules of one logsource: it
// applies to a rule when every part (product, category, service) set in
// Logsource equals the rule's, ignoring case.
type LogsourceFieldMap struct {
	Logsource Logsource
	FieldMap  map[string][]string
}

// FieldNames returns the event field names a rule field name of a rule with
// logsource ls is looked up under, in order: the mapped names (or the name
// itself), their spaced forms, then each prefix.
func (p *Pipeline) FieldNames(name string, ls Logsource) []string {
	if i := p.mapFor(name, ls); i >= 0 {
		return p.expandNames(p.FieldMapFor[i].FieldMap[name])
	}
	return p.fieldNames(name)
}

// mapFor returns the index of the FieldMapFor entry that maps name for
// rules of ls, or -1.
func (p *Pipeline) mapFor(name string, ls Logsource) int {
	for i, m := range p.FieldMapFor {
		if _, ok := m.FieldMap[name]; ok && logsourceWithin(m.Logsource, ls) {
			return i
		}
	}
	return -1
}

// logsourceWithin reports whether every part set in want equals the
// corresponding part of ls, ignoring case.
func logsourceWithin(want, ls Logsource) bool {
	eq := func(w, v string) bool { return w == "" || strings.EqualFold(w, v) }
	return eq(want.Product, ls.Product) && eq(want.Category, ls.Category) && eq(want.Service, ls.Service)
}

// Route says that events of the given channels (and, if EventIDs is not
// empty, only these event ids) belong to Logsource.
type Route struct {
	Logsource Logsource
	Channels  []string
	EventIDs  []string
}

func (p *Pipeline) fieldNames(name string) []string {
	names := p.FieldMap[name]
	if names == nil {
		names = []string{name}
	}
	return p.expandNames(names)
}

// expandNames adds the spaced forms and the prefixed forms to names.
func (p *Pipeline) expandNames(names []string) []string {
	if p.SpacedNames {
		for _, n := range names {
			if sp := spaced(n); sp != n {
				names = append(names[:len(names):len(names)], sp)
			}
		}
	}
	out := append([]string(nil), names...)
	for _, pre := range p.FieldPrefixes {
		for _, n := range names {
			out = append(out, pre+n)
		}
	}
	return out
}

// spaced inserts a space at each lower-to-upper case transition of name.
func spaced(name string) string {
	var b []byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if i > 0 && 'A' <= c && c <= 'Z' && 'a' <= name[i-1] && name[i-1] <= 'z' {
			b = append(b, ' ')
		}
		b = append(b, c)
	}
	return string(b)
}

// routesFor returns the routes whose logsource covers the rule's.
func (p *Pipeline) routesFor(ls Logsource) []Route {
	var out []Route
	for _, r := range p.Routes {
		if logsourceCovers(r.Logsource, ls) {
			out = append(out, r)
		}
	}
	return out
}

// logsourceCovers reports whether a route (or event) logsource matches a rule
// logsource: category and service must agree exactly (both set and equal, or
// both empty); products must agree when both are set.
func logsourceCovers(have, rule Logsource) bool {
	if have.Category != rule.Category || have.Service != rule.Service {
		return false
	}
	if have.Category == "" && have.Service == "" {
		// product-only logsources
		return have.Product != "" && have.Product == rule.Product
	}
	return have.Product == "" || rule.Product == "" || have.Product == rule.Product
}

// sysmonCategories are the Sysmon event ids of each Windows category.
var sysmonCategories = map[string][]string{
	"process_creation": {"1"}, "file_change": {"2"}, "network_connection": {"3"},
	"sysmon_status": {"4", "16"}, "process_termination": {"5"}, "driver_load": {"6"},
	"image_load": {"7"}, "create_remote_thread": {"8"}, "raw_access_thread": {"9"},
	"process_access": {"10"}, "file_event": {"11"}, "registry_add": {"12"},
	"registry_delete": {"12"}, "registry_set": {"13"}, "registry_rename": {"14"},
	"registry_event": {"12", "13", "14"}, "create_stream_hash": {"15"},
	"pipe_created": {"17", "18"}, "wmi_event": {"19", "20", "21"}, "dns_query": {"22"},
	"file_delete": {"23", "26"}, "clipboard_capture": {"24"}, "process_tampering": {"25"},
	"file_delete_detected": {"26"}, "file_block_executable": {"27"},
	"file_block_shredding": {"28"}, "file_executable_detected": {"29"}, "sysmon_error": {"255"},
}

// windowsServices are the event log channels of each Windows service.
var windowsServices = map[string][]string{
	"security":                  {"Security"},
	"system":                    {"System"},
	"application":               {"Application"},
	"sysmon":                    {"Microsoft-Windows-Sysmon/Operational"},
	"powershell":                {"Microsoft-Windows-PowerShell/Operational"},
	"powershell-classic":        {"Windows PowerShell"},
	"taskscheduler":             {"Microsoft-Windows-TaskScheduler/Operational"},
	"wmi":                       {"Microsoft-Windows-WMI-Activity/Operational"},
	"dns-server":                {"DNS Server"},
	"dns-server-analytic":       {"Microsoft-Windows-DNS-Server/Analytical"},
	"dns-client":                {"Microsoft-Windows-DNS Client Events/Operational"},
	"driver-framework":          {"Microsoft-Windows-DriverFrameworks-UserMode/Operational"},
	"ntlm":                      {"Microsoft-Windows-NTLM/Operational"},
	"windefend":                 {"Microsoft-Windows-Windows Defender/Operational"},
	"firewall-as":               {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"},
	"bits-client":               {"Microsoft-Windows-Bits-Client/Operational"},
	"codeintegrity-operational": {"Microsoft-Windows-CodeIntegrity/Operational"},
	"appxdeployment-server":     {"Microsoft-Windows-AppXDeploymentServer/Operational"},
	"appxpackaging-om":          {"Microsoft-Windows-AppxPackaging/Operational"},
	"appmodel-runtime":          {"Microsoft-Windows-AppModel-Runtime/Admin"},
	"applocker": {"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL",
		"Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker/Packaged app-Execution"},
	"msexchange-management":                {"MSExchange Management"},
	"printservice-admin":                   {"Microsoft-Windows-PrintService/Admin"},
	"printservice-operational":             {"Microsoft-Windows-PrintService/Operational"},
	"smbclient-security":                   {"Microsoft-Windows-SmbClient/Security"},
	"smbclient-connectivity":               {"Microsoft-Windows-SmbClient/Connectivity"},
	"terminalservices-localsessionmanager": {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"},
	"dhcp":                                 {"Microsoft-Windows-DHCP-Server/Operational"},
	"openssh":                              {"OpenSSH/Operational"},
	"shell-core":                           {"Microsoft-Windows-Shell-Core/Operational"},
	"lsa-server":                           {"Microsoft-Windows-LSA/Operational"},
	"ldap":                                 {"Microsoft-Windows-LDAP-Client/Debug"},
	"diagnosis-scripted":                   {"Microsoft-Windows-Diagnosis-Scripted/Operational"},
	"capi2":                                {"Microsoft-Windows-CAPI2/Operational"},
	"certificateservicesclient-lifecycle-system": {"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"},
	"bitlocker":            {"Microsoft-Windows-BitLocker/BitLocker Management"},
	"iis-configuration":    {"Microsoft-IIS-Configuration/Operational"},
	"vhdmp":                {"Microsoft-Windows-VHDMP/Operational"},
	"security-mitigations": {"Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"},
	"kernel-shimengine":    {"Microsoft-Windows-Kernel-ShimEngine/Operational", "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"},
	"hyper-v-worker":       {"Microsoft-Windows-Hyper-V-Worker"},
	"sysmon-error":         {"Microsoft-Windows-Sysmon/Operational"},
}

// WindowsPipeline returns the built-in pipeline for Windows event logs, in
// the flat shape (System and EventData fields at top level) and the nested
// evtx-JSON shape (Event.System.*, Event.EventData.*): Sysmon categories are
// routed by Sysmon event id, PowerShell categories by channel and event id,
// services by channel.
func WindowsPipeline() *Pipeline {
	const sysmon = "Microsoft-Windows-Sysmon/Operational"
	p := &Pipeline{
		Name:          "windows",
		FieldPrefixes: []string{"Event.EventData.", "Event.System.", "Event.UserData."},
		SpacedNames:   true,
		ChannelField:  "Channel",
		EventIDField:  "EventID",
	}
	for cat, ids := range sysmonCategories {
		p.Routes = append(p.Routes, Route{Logsource: Logsource{Product: "windows", Category: cat},
			Channels: []string{sysmon}, EventIDs: ids})
	}
	ps := []struct {
		cat, channel string
		ids          []string
	}{
		{"ps_module", "Microsoft-Windows-PowerShell/Operational", []string{"4103"}},
		{"ps_script", "Microsoft-Windows-PowerShell/Operational", []string{"4104"}},
		{"ps_classic_start", "Windows PowerShell", []string{"400"}},
		{"ps_classic_provider_start", "Windows PowerShell", []string{"600"}},
		{"ps_classic_script", "Windows PowerShell", []string{"800"}},
	}
	for _, r := range ps {
		p.Routes = append(p.Routes, Route{Logsource: Logsource{Product: "windows", Category: r.cat},
			Channels: []string{r.channel}, EventIDs: r.ids})
	}
	for svc, chans := range windowsServices {
		p.Routes = append(p.Routes, Route{Logsource: Logsource{Product: "windows", Service: svc}, Channels: chans})
	}
	return p
}
