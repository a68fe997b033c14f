package decode

import "strings"

// internedKeys are top-level field names common in Windows event JSON
// (System fields, NXLog metadata, Security and Sysmon EventData). Their keys
// are shared constant strings instead of bytes in each event's buffer, which
// makes the per-event allocation about a third smaller. Read-only after init,
// so safe for concurrent use.
var internedKeys = func() map[string]string {
	const names = `Task Hostname EventID Channel SourceName @timestamp Keywords ProviderGuid Message port
EventTime SeverityValue Severity @version EventReceivedTime RecordNumber SourceModuleType ThreadID host
SourceModuleName tags ExecutionProcessID EventType Version OpcodeValue Opcode Category UtcTime RuleName
ProcessId AccountName Domain UserID AccountType SourceProcessId TargetProcessId SourceImage TargetImage
SourceProcessGUID CallTrace TargetProcessGUID GrantedAccess SourceThreadId ProcessGuid Image TimeCreated
Level SubjectLogonId SubjectUserName SubjectUserSid SubjectDomainName TargetObject ProcessName
EventTypeOrignal ObjectServer HandleId Hashes SourceUser TargetUser FileVersion OriginalFileName Product
Company Description SignatureStatus Signature Signed ImageLoaded ActivityID ContextInfo Payload ObjectType
AccessMask ObjectName AccessList ResourceAttributes Details User Protocol SourcePort LayerName
PrivilegeList Application SourceAddress FilterRTID LayerRTID AccessReason TransactionId
RestrictedSidCount SourceHandleId TargetHandleId RemoteUserID Direction DestAddress RemoteMachineID
DestPort TargetUserName TargetDomainName TargetUserSid TargetLogonId ProcessID type DisabledPrivilegeList
EnabledPrivilegeList LogonType TargetFilename SourceIsIpv6 Initiated SourceHostname DestinationIp
DestinationIsIpv6 DestinationPort SourceIp DestinationHostname DestinationPortName CreationUtcTime
CommandLine ParentImage ParentCommandLine ParentProcessId ParentProcessGuid CurrentDirectory
IntegrityLevel LogonGuid LogonId TerminalSessionId ParentUser IpAddress IpPort WorkstationName
LogonProcessName AuthenticationPackageName ServiceName ServiceFileName PipeName QueryName QueryResults
Computer Provider_Name EventRecordID ScriptBlockText Path HostApplication`
	m := make(map[string]string)
	for _, n := range strings.Fields(names) {
		m[n] = n
	}
	return m
}()
