package decode

import (
	"strings"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// evtxTopSystem are the System fields also copied to top level, so that one
// Sigma rule set works on both the flat and the nested Windows shapes.
var evtxTopSystem = map[string]bool{
	"EventID": true, "Channel": true, "Computer": true, "Provider_Name": true,
	"Level": true, "Task": true, "Keywords": true, "EventRecordID": true,
}

// decodeEvtx decodes nested evtx-dump JSON:
//
//	{"Event":{"System":{...},"EventData":{...}}}   (or "UserData":{"<Wrapper>":{...}})
//
// Every value appears under its full dotted path (Event.System.EventID,
// Event.EventData.Image) and, for EventData members, UserData wrapper members
// and the main System fields (evtxTopSystem), again under its bare name at
// top level (EventID, Image). "#attributes" members are folded into their
// parent's level with an underscore: System.Provider.#attributes.Name is
// Event.System.Provider_Name (top-level Provider_Name), TimeCreated's
// SystemTime is Event.System.TimeCreated_SystemTime; a "#text" member is the
// value of its parent key. This matches the field names evtx-to-JSON
// converters and Sigma's Windows pipelines use for these attributes.
//
// Entities, ID (SourceID(evtx, Channel, Computer, EventRecordID)) and time
// (TimeCreated_SystemTime, else EventData UtcTime) follow the flat format.
func decodeEvtx(b *builder, v *fastjson.Value, ev *event.Event) error {
	b.format = event.FormatEvtxJSON
	b.foldAttrs = true
	sys := v.Get("Event", "System")
	if sys == nil || sys.Type() != fastjson.TypeObject {
		return errf(ev.Format, "Event.System", "missing or not an object")
	}
	o, _ := v.Object()
	if err := b.flattenObject(o, 1); err != nil {
		return err
	}
	b.finish(ev)
	n := len(ev.Fields)
	for i := 0; i < n; i++ {
		if len(ev.Fields) >= MaxFields {
			return errf(ev.Format, "", "more than %d fields (the limit)", MaxFields)
		}
		f := ev.Fields[i]
		if top, ok := evtxTopKey(f.Key); ok {
			f.Key = top
			ev.Fields = append(ev.Fields, f)
		}
	}
	return finishWindows(ev, "Computer", "EventRecordID")
}

// evtxTopKey returns the top-level name of a dotted evtx key, if it has one.
func evtxTopKey(k string) (string, bool) {
	if rest, ok := strings.CutPrefix(k, "Event.EventData."); ok {
		return rest, !strings.Contains(rest, ".")
	}
	if rest, ok := strings.CutPrefix(k, "Event.System."); ok {
		return rest, evtxTopSystem[rest]
	}
	if rest, ok := strings.CutPrefix(k, "Event.UserData."); ok {
		if i := strings.IndexByte(rest, '.'); i >= 0 && !strings.Contains(rest[i+1:], ".") {
			return rest[i+1:], true
		}
	}
	return "", false
}
