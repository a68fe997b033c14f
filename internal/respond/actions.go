package respond

import "sort"

// actionSpec describes an action kind: its default connector name, the
// inputs it needs, which input names its target and whether it blocks or
// disables something (disruptive actions are never taken automatically on
// break-the-glass evidence).
type actionSpec struct {
	connector  string
	required   []string
	targetKind string // "" = no target (a notification)
	targetIn   string // input holding the target value
	disruptive bool
}

// actionKinds are the action kinds a step may name.
var actionKinds = map[string]actionSpec{
	"webhook":        {connector: "webhook"},
	"scim.disable":   {connector: "scim", required: []string{"user"}, targetKind: "user", targetIn: "user", disruptive: true},
	"scim.enable":    {connector: "scim", required: []string{"user"}, targetKind: "user", targetIn: "user"},
	"session.revoke": {connector: "idp", required: []string{"user"}, targetKind: "user", targetIn: "user", disruptive: true},
	"isolate.device": {connector: "nac", required: []string{"device"}, targetKind: "device", targetIn: "device", disruptive: true},
	"block.ip":       {connector: "firewall", required: []string{"ip"}, targetKind: "ip", targetIn: "ip", disruptive: true},
	"block.domain":   {connector: "firewall", required: []string{"domain"}, targetKind: "domain", targetIn: "domain", disruptive: true},
	"email":          {connector: "smtp", required: []string{"subject", "body"}}, // to: else the connector's default
	"nats.publish":   {connector: "nats", required: []string{"message"}},
	"syslog":         {connector: "syslog", required: []string{"message"}},
	"ticket":         {connector: "ticket", required: []string{"title"}},
}

// ActionKinds lists the known action kinds, sorted.
func ActionKinds() []string {
	out := make([]string, 0, len(actionKinds))
	for k := range actionKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
