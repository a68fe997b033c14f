// Package rules embeds Vigil's own Sigma rule packs in the binary, so that
// `vigil serve --rules builtin:healthcare` (the default) works without any
// file on disk. The rule files themselves live beside this file.
package rules

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed healthcare/*.yml
var packs embed.FS

// Pack returns the embedded rule pack of that name ("healthcare") as a file
// system rooted at the pack's directory, and whether it exists.
func Pack(name string) (fs.FS, bool) {
	if name == "" || name == "." {
		return nil, false
	}
	if _, err := fs.Stat(packs, name); err != nil {
		return nil, false
	}
	sub, err := fs.Sub(packs, name)
	if err != nil {
		return nil, false
	}
	return sub, true
}

// Names lists the embedded packs, sorted.
func Names() []string {
	ents, _ := packs.ReadDir(".")
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
