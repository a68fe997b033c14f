// Package query parses Vigil's small KQL-like search language:
//
//	user.name:alice host.name:WS-* NOT event.outcome:success "process.command_line":"a b*" patient.id:*
//
// Space-separated terms are ANDed. A term is field:value; the value may be
// quoted ("…" with \" and \\ escapes) and may contain * wildcards (\* is a
// literal star); field:* means the field exists; NOT (or a leading -) negates
// the next term. A bare word searches every field value. Matching is
// case-insensitive.
package query

// Query is a parsed search: the AND of its terms. The zero Query matches all.
type Query struct {
	Terms []Term
}

// Term is one condition.
type Term struct {
	Field  string // "" = any field
	Value  string // unescaped pattern; see Wildcard
	Negate bool
	Exists bool // field:* — Value is empty
	// Wildcard is true when Value contains unescaped * (as Pattern marks).
	Wildcard bool
	// Pattern is Value split at unescaped wildcards: Pattern[0] * Pattern[1] * ...
	Pattern []string
}
