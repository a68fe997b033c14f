package eval

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the result of Score; `vigil eval --json` prints it. Pointer
// fields are null when their input was not available.
type Report struct {
	Labels    int             `json:"labels"`
	Detected  int             `json:"detected"`
	Recall    float64         `json:"recall"`
	Scenarios []ScenarioScore `json:"scenarios"`
	Findings  int             `json:"findings"`

	FindingPrecision    *float64 `json:"finding_precision"`
	Incidents           *int     `json:"incidents"`
	IncidentPrecision   *float64 `json:"incident_precision"`
	FalseIncidents      *int     `json:"false_incidents"`
	FalsePer100UserDays *float64 `json:"false_incidents_per_100_users_per_day"`
	// Grouping: how labelled instances map onto incidents (nil without
	// incidents). Exact = in exactly one incident.
	Grouping *Grouping `json:"grouping,omitempty"`

	LatencyEvent Summary `json:"latency_event_time"`
	LatencyWall  Summary `json:"latency_wall_time"`

	BenignEHR        *int     `json:"benign_ehr_accesses"`
	BenignEHRFlagged *int     `json:"benign_ehr_accesses_with_finding"`
	BenignEHRClean   *float64 `json:"benign_ehr_share_without_finding"`

	MTTRAuto  Summary `json:"mttr_auto"`
	MTTRGated Summary `json:"mttr_approval_gated"`

	mttrKnown           bool
	mttrAuto, mttrGated []time.Duration
}

// ScenarioScore is the recall of one scenario.
type ScenarioScore struct {
	Scenario   string   `json:"scenario"`
	Instances  int      `json:"instances"`
	Detected   int      `json:"detected"`
	ByIncident int      `json:"detected_by_incident"`
	Recall     float64  `json:"recall"`
	Rules      []string `json:"first_rules,omitempty"`
	Missed     []string `json:"missed,omitempty"`
}

// Summary is the median and 95th percentile of durations.
type Summary struct {
	N      int     `json:"n"`
	Median float64 `json:"median_seconds"`
	P95    float64 `json:"p95_seconds"`
}

// summarize uses the nearest-rank percentile.
func summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return Summary{N: len(s), Median: rank(0.5).Seconds(), P95: rank(0.95).Seconds()}
}

// WriteTable prints the report for people.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tINSTANCES\tDETECTED\tRECALL\tFIRST RULES")
	for _, s := range r.Scenarios {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", s.Scenario, s.Instances, s.Detected, pct(s.Recall), strings.Join(s.Rules, " "))
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%s\t\n", r.Labels, r.Detected, pct(r.Recall))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	line := func(k, v string) { fmt.Fprintf(w, "%-44s %s\n", k, v) }
	line("findings", fmt.Sprint(r.Findings))
	line("finding precision (overlap a label)", optPct(r.FindingPrecision))
	if r.Incidents != nil {
		line("incidents", fmt.Sprint(*r.Incidents))
	} else {
		line("incidents", "n/a (no --server)")
	}
	line("incident precision", optPct(r.IncidentPrecision))
	if g := r.Grouping; g != nil {
		line("instances in exactly one incident", fmt.Sprintf("%d of %d (%d in several, %d in none; %d incidents mix instances)",
			g.Exact, r.Labels, len(g.Fragmented), len(g.NoIncident), len(g.Mixed)))
	}
	line("false incidents per 100 users per day", optFloat(r.FalsePer100UserDays))
	line("detection latency, event time (median / p95)", dur(r.LatencyEvent))
	line("detection latency, wall time (median / p95)", dur(r.LatencyWall))
	if r.BenignEHR != nil {
		line("benign EHR accesses without a finding", fmt.Sprintf("%s (%d of %d flagged)", optPct(r.BenignEHRClean),
			*r.BenignEHRFlagged, *r.BenignEHR))
	} else {
		line("benign EHR accesses without a finding", "n/a (events/auditevent.ndjson not found)")
	}
	if r.mttrKnown || r.MTTRAuto.N+r.MTTRGated.N > 0 {
		line("MTTR, automatic (median / p95)", dur(r.MTTRAuto))
		line("MTTR, approval-gated (median / p95)", dur(r.MTTRGated))
	} else {
		line("MTTR", "n/a (no /api/v1/actions)")
	}
	return nil
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

func optPct(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100**v)
}

func optFloat(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", *v)
}

func dur(s Summary) string {
	if s.N == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%s / %s (n=%d)", time.Duration(s.Median*float64(time.Second)).Round(time.Millisecond),
		time.Duration(s.P95*float64(time.Second)).Round(time.Millisecond), s.N)
}
