package sigma

// Logsource names the kind of log a rule applies to. Empty parts are
// unconstrained.
type Logsource struct {
	Product    string
	Category   string
	Service    string
	Definition string
}

// Rule is a parsed Sigma detection rule.
type Rule struct {
	Title          string
	ID             string
	Name           string
	Status         string
	Description    string
	Author         string
	Date           string
	Modified       string
	Level          string
	Tags           []string
	References     []string
	FalsePositives []string
	Fields         []string
	Logsource      Logsource
	Detection      Detection

	// File and Line locate the rule document (Line is the document's first line).
	File string
	Line int
}

// Detection is a rule's detection section: named search identifiers
// (selections) in file order, and one or more conditions (a list of
// conditions matches when any of them does).
type Detection struct {
	Selections []*Selection
	Conditions []string
	// ConditionLine is the line of the condition key, for error messages.
	ConditionLine int
	// Timeframe is the deprecated Sigma v1 aggregation window, kept verbatim.
	Timeframe string
}

// Selection returns the search identifier called name, or nil.
func (d *Detection) Selection(name string) *Selection {
	for _, s := range d.Selections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Selection is one search identifier. Exactly one of Keywords or Groups is
// used: Keywords is a keyword search (any value anywhere in the event matches);
// Groups are alternatives (OR), each a list of field items that must all match
// (AND). A YAML map is one group; a list of maps is several.
type Selection struct {
	Name     string
	Line     int
	Keywords *FieldItem // Field is "", Modifiers apply; nil unless a keyword search
	Groups   [][]*FieldItem
}

// FieldItem is one "field|modifier|...: values" entry.
type FieldItem struct {
	Field     string   // "" for keyword searches
	Modifiers []string // as written, in order
	Values    []Value
	Line      int
}

// Value is one scalar value of a field item.
type Value struct {
	S    string // the text as written (numbers and booleans in YAML spelling)
	Null bool   // YAML null
	Line int
}

// Correlation is a parsed Sigma correlation rule (meta rule). It is parsed and
// kept; evaluation is not implemented yet.
type Correlation struct {
	Title       string
	ID          string
	Name        string
	Status      string
	Description string
	Level       string
	Tags        []string
	Type        string // event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile
	Rules       []string
	GroupBy     []string
	Timespan    string
	Generate    bool
	// Condition holds the threshold operators (gt, gte, lt, lte, eq, neq) and
	// their operands; "field" names the field for value_* types.
	Condition map[string]string
	// Aliases maps an alias field name to the field name in each rule.
	Aliases map[string]map[string]string
	File    string
	Line    int
}

// Filter is a parsed Sigma meta filter: a detection that adds exclusions to
// the rules it names. It is parsed and kept; applying it is not implemented yet.
type Filter struct {
	Title       string
	ID          string
	Name        string
	Description string
	Logsource   Logsource
	Rules       []string
	Detection   Detection
	File        string
	Line        int
}

// Documents is what a rule file contains.
type Documents struct {
	Rules        []*Rule
	Correlations []*Correlation
	Filters      []*Filter
}
