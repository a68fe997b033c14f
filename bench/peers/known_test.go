package peers

// Disagreement classes. Each names the engine at fault ("vigil:" or
// "sigma-go:") or the point of the Sigma specification the engines read
// differently ("spec:"); docs/sigma-differential.md explains each with an
// example.
const (
	// Vigil routes events to rules by the exact Channel value, so the 3,974
	// events whose Channel is "security" (lower case) reach no Security
	// rule; sigma-go's routing condition Channel: Security is an ordinary
	// Sigma value, compared case-insensitively as the specification says.
	classChannelCase = "vigil: channel routing is case-sensitive"
	// sigma-go compares values literally: * and ? are not wildcards.
	classNoWildcards = "sigma-go: no wildcards in values"
	// sigma-go compares values literally: \\ \* \? are not escapes.
	classNoEscapes = "sigma-go: no escape sequences in values"
)

// known is the explanation of one rule's disagreements: its class, which
// engine's matches the class accounts for ("vigil" = only Vigil matches,
// "sigma-go" = only sigma-go matches) and a short note.
type known struct {
	class, only, note string
}

// knownDisagreements maps the rule id of every rule on which the two
// engines disagree over the events of the differential test to its
// explanation. TestSigmaDifferential fails on a disagreement not listed
// here, or one in the other direction.
var knownDisagreements = map[string]known{
	// Security rules seen on Channel "security".
	"0badd08f-c6a3-4630-90d3-6875cca440be": {classChannelCase, "sigma-go", "4634 logoff"},
	"13acf386-b8c6-4fe0-9a6e-c4756b974698": {classChannelCase, "sigma-go", "4624 remote PowerShell session"},
	"192a0330-c20b-4356-90b6-7b7049ae0b87": {classChannelCase, "sigma-go", "4624 overpass the hash"},
	"4f86b304-3e02-40e3-aa5d-e88a167c9617": {classChannelCase, "sigma-go", "4699 scheduled task deleted"},
	"12e6d621-194f-4f59-90cc-1959e21e69f7": {classChannelCase, "sigma-go", "4611 logon process registered"},
	"2a926e6a-4b81-4011-8a96-e36cc8c04302": {classChannelCase, "sigma-go", "4697 service installed"},
	"411742ad-89b0-49cb-a7b0-3971b5c1e0a4": {classChannelCase, "sigma-go", "4800 workstation locked"},
	"b210394c-ba12-4f89-9117-44a2464b9511": {classChannelCase, "sigma-go", "5145 admin share file"},
	"d3abac66-f11c-4ed0-8acb-50cc29c97eed": {classChannelCase, "sigma-go", "4657 NTLM downgrade"},
	"eca91c7c-9214-47b9-b4c5-cb1d7e4f2350": {classChannelCase, "sigma-go", "5156 outbound Kerberos"},
	"8eef149c-bd26-49f2-9e5a-9b00e3af499b": {classChannelCase, "sigma-go", "4624 pass the hash"},
	"def8b624-e08f-4ae1-8612-1ba21190da6b": {classChannelCase, "sigma-go", "4624 logon type 9"},

	// Rules whose values rely on * or ?.
	"64e8e417-c19a-475a-8d19-98ea705394cc": {classNoWildcards, "vigil", "ContextInfo|contains: '*'"},

	// Rules whose values rely on backslash escapes.
	"52d8b0c6-53d6-439a-9e41-52ad442ad9ad": {classNoEscapes, "vigil", `ShareName: '\\\\\*\\IPC$'`},
}
