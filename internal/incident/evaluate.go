package incident

import (
	"slices"
	"strings"

	"github.com/vigil-soc/vigil/internal/store"
)

// Instance is one labelled attack instance (from the simulator's labels):
// its name and the entity values its events carry (user_id, patient id,
// hostname, ip, asset_id, sender address), with or without a "kind:" prefix.
type Instance struct {
	Name     string
	Entities []string
}

// Grouping is how labelled instances map onto incidents, for `vigil eval`:
// the figure is Exact == len(instances).
type Grouping struct {
	Exact      int      `json:"exact"`      // in exactly one incident
	Fragmented []string `json:"fragmented"` // spread over several incidents
	Missed     []string `json:"missed"`     // in no incident
	// MergedWrongly are incidents holding entities of more than one
	// instance, with the instances they mix.
	MergedWrongly map[string][]string `json:"merged_wrongly"`
}

// EvaluateGrouping matches instances to incidents by shared entity values
// (merged incidents are skipped: their content lives in the survivor).
func EvaluateGrouping(instances []Instance, incidents []store.Incident) Grouping {
	g := Grouping{Fragmented: []string{}, Missed: []string{}, MergedWrongly: map[string][]string{}}
	byIncident := map[string][]string{}
	for _, in := range instances {
		var hits []string
		for _, inc := range incidents {
			if inc.Status != StatusMerged && sharesEntity(in.Entities, inc.Entities) {
				hits = append(hits, inc.ID)
				byIncident[inc.ID] = append(byIncident[inc.ID], in.Name)
			}
		}
		switch len(hits) {
		case 0:
			g.Missed = append(g.Missed, in.Name)
		case 1:
			g.Exact++
		default:
			g.Fragmented = append(g.Fragmented, in.Name)
		}
	}
	for id, names := range byIncident {
		if len(slices.Compact(slices.Sorted(slices.Values(names)))) > 1 {
			g.MergedWrongly[id] = slices.Compact(slices.Sorted(slices.Values(names)))
		}
	}
	return g
}

// sharesEntity: a label equals an incident entity "kind:value" or its value
// (case-insensitive).
func sharesEntity(labels, entities []string) bool {
	for _, e := range entities {
		_, v, _ := strings.Cut(e, ":")
		for _, l := range labels {
			if strings.EqualFold(l, v) || strings.EqualFold(l, e) {
				return true
			}
		}
	}
	return false
}
