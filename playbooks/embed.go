// Package playbooks embeds Vigil's built-in response playbooks (the YAML
// files beside this file; format in docs/respond.md) into the binary.
package playbooks

import "embed"

// FS holds the built-in playbook files at its root.
//
//go:embed *.yaml
var FS embed.FS
