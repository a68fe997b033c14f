package sigma

// The ECS pipeline follows the "ecs_windows" processing pipeline of
// pySigma-backend-elasticsearch (SigmaHQ/pySigma-backend-elasticsearch,
// sigma/pipelines/elasticsearch/windows.py, "Elastic Common Schema (ECS)
// Windows log mappings from Winlogbeat from version 7"): the same global
// field mapping, the same logsource-dependent mappings, and the same
// fallback of every other field to winlog.event_data.<Name>, which is where
// Winlogbeat keeps the EventData members it does not map to ECS.
//
// Routing: Winlogbeat ships the event log channel as winlog.channel and the
// event id as event.code, so the Windows routes are used unchanged with the
// rule-side Channel and EventID fields mapped to those two. This is exact
// for Winlogbeat and the Elastic Agent Windows/System integrations; an ECS
// event without winlog.channel reaches only rules of logsources that have no
// route (matched by the event's own logsource, if the caller provides one).

// ecsFieldMap is the global Sysmon/Windows to ECS mapping of ecs_windows.
var ecsFieldMap = map[string]string{
	"EventID": "event.code", "Channel": "winlog.channel",
	"Provider_Name": "winlog.provider_name", "ComputerName": "winlog.computer_name",
	"Computer": "winlog.computer_name",
	"FileName": "file.path", "ProcessGuid": "process.entity_id", "ProcessId": "process.pid",
	"Image": "process.executable", "CurrentDirectory": "process.working_directory",
	"ParentProcessGuid": "process.parent.entity_id", "ParentProcessId": "process.parent.pid",
	"ParentImage": "process.parent.executable", "ParentCommandLine": "process.parent.command_line",
	"TargetFilename": "file.path", "SourceIp": "source.ip", "SourceHostname": "source.domain",
	"SourcePort": "source.port", "DestinationIp": "destination.ip",
	"DestinationHostname": "destination.domain", "DestinationPort": "destination.port",
	"DestinationPortName": "network.protocol", "ImageLoaded": "file.path",
	"Signed": "file.code_signature.signed", "SignatureStatus": "file.code_signature.status",
	"Imphash": "file.pe.imphash", "SourceProcessGuid": "process.entity_id",
	"SourceProcessId": "process.pid", "SourceImage": "process.executable", "Device": "file.path",
	"SourceThreadId": "process.thread.id", "TargetObject": "registry.path", "PipeName": "file.name",
	"Destination": "process.executable", "QueryName": "dns.question.name",
	"QueryStatus": "sysmon.dns.status", "IsExecutable": "sysmon.file.is_executable",
	"Archived": "sysmon.file.archived", "CommandName": "powershell.command.name",
	"CommandPath": "powershell.command.path", "CommandType": "powershell.command.type",
	"HostApplication": "process.command_line", "HostId": "process.entity_id",
	"HostName": "process.title", "NewEngineState": "powershell.engine.new_state",
	"PipelineId": "powershell.pipeline_id", "PreviousEngineState": "powershell.engine.previous_state",
	"RunspaceId": "powershell.runspace_id", "ScriptName": "file.path",
	"SequenceNumber": "event.sequence", "NewProviderState": "powershell.provider.new_state",
	"ProviderName": "powershell.provider.name", "MessageNumber": "powershell.sequence",
	"MessageTotal": "powershell.total", "ScriptBlockText": "powershell.file.script_block_text",
	"ScriptBlockId": "powershell.file.script_block_id", "AccountDomain": "user.domain",
	"AccountName": "user.name", "Application": "process.executable", "ClientAddress": "source.ip",
	"ClientName": "source.domain", "DestAddress": "destination.ip", "DestPort": "destination.port",
	"IpAddress": "source.ip", "IpPort": "source.port", "NewProcessId": "process.pid",
	"NewProcessName": "process.executable", "ParentProcessName": "process.parent.name",
	"ProcessName": "process.executable", "SourceAddress": "source.ip",
	"TargetDomainName": "user.domain", "User": "user.name", "WorkstationName": "source.domain",
	"Payload": "powershell.file.script_block_text",
}

// ecsVariable is one logsource-dependent mapping of ecs_windows: rule field
// Field of logsource (product windows and) Logsource maps to ECS.
type ecsVariable struct {
	field string
	ls    Logsource
	ecs   string
}

var ecsVariableMappings = []ecsVariable{
	{"FileVersion", Logsource{Category: "process_creation"}, "process.pe.file_version"},
	{"FileVersion", Logsource{Category: "image_load"}, "file.pe.file_version"},
	{"Description", Logsource{Category: "process_creation"}, "process.pe.description"},
	{"Description", Logsource{Category: "image_load"}, "file.pe.description"},
	{"Description", Logsource{Category: "sysmon_error"}, "winlog.event_data.Description"},
	{"Product", Logsource{Category: "process_creation"}, "process.pe.product"},
	{"Product", Logsource{Category: "image_load"}, "file.pe.product"},
	{"Company", Logsource{Category: "process_creation"}, "process.pe.company"},
	{"Company", Logsource{Category: "image_load"}, "file.pe.company"},
	{"OriginalFileName", Logsource{Category: "process_creation"}, "process.pe.original_file_name"},
	{"OriginalFileName", Logsource{Category: "image_load"}, "file.pe.original_file_name"},
	{"CommandLine", Logsource{Category: "process_creation"}, "process.command_line"},
	{"CommandLine", Logsource{Service: "security"}, "process.command_line"},
	{"CommandLine", Logsource{Service: "powershell-classic"}, "powershell.command.value"},
	{"Protocol", Logsource{Category: "network_connection"}, "network.transport"},
	{"Initiated", Logsource{Category: "network_connection"}, "network.direction"},
	{"Signature", Logsource{Category: "driver_load"}, "file.code_signature.subject_name"},
	{"Signature", Logsource{Category: "image_load"}, "file.code_signature.subject_name"},
	{"EngineVersion", Logsource{Service: "powershell-classic"}, "powershell.engine.version"},
	{"HostVersion", Logsource{Service: "powershell-classic"}, "powershell.process.executable_version"},
	{"SubjectLogonId", Logsource{Service: "security"}, "winlog.logon.id"},
	{"ServiceName", Logsource{Service: "security"}, "service.name"},
	{"SubjectDomainName", Logsource{Service: "security"}, "user.domain"},
	{"SubjectUserName", Logsource{Service: "security"}, "user.name"},
	{"SubjectUserSid", Logsource{Service: "security"}, "user.id"},
	{"TargetLogonId", Logsource{Service: "security"}, "winlog.logon.id"},
}

// ecsEventData is where Winlogbeat keeps EventData members it does not map.
const ecsEventData = "winlog.event_data."

// ECSPipeline returns the built-in pipeline for Windows events shipped as
// Elastic Common Schema by Winlogbeat 7+ or the Elastic Agent: rule fields
// are read from their ECS names (Image from process.executable, CommandLine
// from process.command_line, TargetObject from registry.path, ...), then
// from winlog.event_data.<Name>; rules are routed by winlog.channel and
// event.code with the Windows routes. Hashes has no ECS equivalent of the
// same shape (ECS splits it into process.hash.md5, ...), so it is read
// from winlog.event_data.Hashes.
func ECSPipeline() *Pipeline {
	w := WindowsPipeline()
	p := &Pipeline{
		Name:          "ecs",
		FieldMap:      map[string][]string{},
		FieldPrefixes: []string{ecsEventData},
		ChannelField:  "Channel",
		EventIDField:  "EventID",
		Routes:        w.Routes,
	}
	for name, ecs := range ecsFieldMap {
		p.FieldMap[name] = ecsNames(name, ecs)
	}
	for _, v := range ecsVariableMappings {
		ls := v.ls
		ls.Product = "windows"
		p.FieldMapFor = append(p.FieldMapFor, LogsourceFieldMap{Logsource: ls,
			FieldMap: map[string][]string{v.field: ecsNames(v.field, v.ecs)}})
	}
	return p
}

// ecsNames is the lookup order of a mapped field: the ECS name, then the
// original name under winlog.event_data (Winlogbeat keeps some members there
// as well, and older shippers only there).
func ecsNames(name, ecs string) []string {
	if ecs == ecsEventData+name {
		return []string{ecs}
	}
	return []string{ecs, ecsEventData + name}
}

// BuiltinPipeline returns the built-in pipeline of the given name ("windows"
// or "ecs"), or nil.
func BuiltinPipeline(name string) *Pipeline {
	switch name {
	case "windows":
		return WindowsPipeline()
	case "ecs":
		return ECSPipeline()
	}
	return nil
}
