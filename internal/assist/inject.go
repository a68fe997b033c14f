package assist

import "github.com/vigil-soc/vigil/internal/injection"

// Injection is one suspicious piece of content: where it was and why.
type Injection struct {
	Source string `json:"source"` // event or finding id
	Reason string `json:"reason"`
}

// ScanText returns the reasons s looks like a prompt injection (nil when
// it does not); see internal/injection.
func ScanText(s string) []string { return injection.Scan(s) }

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
