package peers

// Disagreement classes. Each names the engine at fault ("vigil:" or
// "sigma-go:") or the point of the Sigma specification the engines read
// differently ("spec:"); docs/sigma-differential.md explains each with an
// example. (A first class, "vigil: channel routing is case-sensitive",
// found 12 rules missing events with Channel "security"; it is fixed in
// sigma/ruleset.go and tested in sigma/eidroute_test.go.)
const (
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
	// Rules whose values rely on * or ?.
	"64e8e417-c19a-475a-8d19-98ea705394cc": {classNoWildcards, "vigil", "ContextInfo|contains: '*'"},

	// Rules whose values rely on backslash escapes.
	"52d8b0c6-53d6-439a-9e41-52ad442ad9ad": {classNoEscapes, "vigil", `ShareName: '\\\\\*\\IPC$'`},
}
