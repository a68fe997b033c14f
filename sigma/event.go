package sigma

// Event is what the matcher needs from an event. Implementations must not
// allocate on these calls if the caller wants allocation-free matching.
type Event interface {
	// Field returns the value of the named field and whether it is present.
	// Names are exact (case-sensitive); a null value is present with "".
	Field(name string) (value string, ok bool)
	// Keywords calls fn with every field value until fn returns true, and
	// reports whether it did. It serves Sigma keyword searches.
	Keywords(fn func(value string) bool) bool
}

// LogsourceEvent is implemented by events that know their own logsource.
// Rules whose logsource the pipeline cannot map to field conditions are only
// evaluated on events that implement it and declare a matching logsource.
type LogsourceEvent interface {
	Event
	Logsource() Logsource
}

// MapEvent is a simple Event backed by a map, for tests and small tools.
type MapEvent map[string]string

// Field implements Event.
func (m MapEvent) Field(name string) (string, bool) {
	v, ok := m[name]
	return v, ok
}

// Keywords implements Event.
func (m MapEvent) Keywords(fn func(string) bool) bool {
	for _, v := range m {
		if fn(v) {
			return true
		}
	}
	return false
}
