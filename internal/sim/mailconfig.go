package sim

import (
	"errors"
	"strconv"
	"strings"
)

// MailConfigFile is the phish configuration of the simulated hospital,
// written beside the context: what the hospital's mail team would give
// `vigil serve --phish-config` (its own domain, its executives as VIPs, its
// payers and vendors as partners). It is not a context file: context import
// ignores it.
const MailConfigFile = "mail.yml"

// writeMailConfig writes MailConfigFile. Values are quoted with strconv so
// the YAML stays valid whatever the names hold.
func writeMailConfig(w *World, out Sink) error {
	var b strings.Builder
	q := strconv.Quote
	b.WriteString("# Vigil phish configuration of the simulated hospital (vigil serve --phish-config).\n")
	b.WriteString("own_domains: [" + q(w.domain) + "]\n")
	b.WriteString("vips:\n")
	for i, s := range w.staff {
		if s.Role != "executive" {
			continue
		}
		b.WriteString("  - name: " + q(s.First+" "+s.Last) + "\n    title: \"Executive\"\n")
		b.WriteString("    addresses: [" + q(w.address(i)) + "]\n")
	}
	b.WriteString("partners:\n")
	for _, p := range payees {
		b.WriteString("  - name: " + q(p.name) + "\n    kind: " + q(p.kind) + "\n")
		b.WriteString("    domains: [" + q(vendorDomain(p.name)) + "]\n")
	}
	f, err := out.Create(MailConfigFile)
	if err != nil {
		return err
	}
	_, werr := f.Write([]byte(b.String()))
	return errors.Join(werr, f.Close())
}
