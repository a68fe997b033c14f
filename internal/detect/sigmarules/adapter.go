// Package sigmarules connects the public Sigma engine (package sigma at the
// module root) to Vigil's pipeline: it adapts event.Event to sigma.Event.
package sigmarules

import (
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/sigma"
)

// Event adapts a Vigil event to sigma.Event. Field lookup is exact and
// returns the first value of a repeated (array) field.
type Event struct {
	ev *event.Event
}

// Wrap returns the sigma view of ev. It does not copy ev; the wrapper must
// not outlive it.
func Wrap(ev *event.Event) Event { return Event{ev: ev} }

// Field implements sigma.Event.
func (e Event) Field(name string) (string, bool) { return e.ev.Get(name) }

// Keywords implements sigma.Event: it offers every field value.
func (e Event) Keywords(fn func(string) bool) bool {
	for i := range e.ev.Fields {
		if fn(e.ev.Fields[i].Value) {
			return true
		}
	}
	return false
}

var _ sigma.Event = Event{}
