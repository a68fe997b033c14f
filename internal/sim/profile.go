package sim

import (
	"fmt"
	"slices"
	"strings"
)

// Profile sizes a simulated hospital.
type Profile struct {
	Name      string
	Staff     int // people on the HR roster (incl. service and vendor accounts)
	Patients  int
	Devices   int // medical devices, workstations, servers, printers
	Instances int // attack instances per selected scenario
}

// Profiles are the built-in sizes (docs/simulator.md).
var Profiles = []Profile{
	{Name: "small", Staff: 300, Patients: 5000, Devices: 400, Instances: 2},
	{Name: "medium", Staff: 3000, Patients: 100000, Devices: 3000, Instances: 4},
	{Name: "large", Staff: 10000, Patients: 500000, Devices: 10000, Instances: 8},
}

// ProfileByName returns the named profile, or an error listing the valid ones.
func ProfileByName(name string) (Profile, error) {
	for _, p := range Profiles {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = p.Name
	}
	return Profile{}, fmt.Errorf("unknown profile %q (valid: %s)", name, strings.Join(names, ", "))
}

// ParseScenarios resolves "all" or a comma-separated list into scenario
// names in the canonical order; an unknown name is an error listing the
// valid ones.
func ParseScenarios(list string) ([]string, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "none" {
		return nil, nil
	}
	if list == "all" {
		return ScenarioNames(), nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if scenarioByName(n) == nil {
			return nil, fmt.Errorf("unknown scenario %q (valid: all, %s)", n, strings.Join(ScenarioNames(), ", "))
		}
		want[n] = true
	}
	var out []string
	for _, n := range ScenarioNames() {
		if want[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// ScenarioNames lists every scenario in canonical order.
func ScenarioNames() []string {
	out := make([]string, len(scenarios))
	for i, s := range scenarios {
		out[i] = s.name
	}
	return slices.Clip(out)
}
