package sqlite

import (
	"strings"

	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

// eventWhere translates q into " WHERE …" (or "") and its bind arguments.
// Every value and key is a bind parameter. withCursor adds the keyset
// condition of q.Cursor.
func eventWhere(q store.EventQuery, withCursor bool) (string, []any, error) {
	var conds []string
	var args []any
	if !q.From.IsZero() {
		conds = append(conds, `time >= ?`)
		args = append(args, storeutil.Nanos(q.From))
	}
	if !q.To.IsZero() {
		conds = append(conds, `time < ?`)
		args = append(args, storeutil.Nanos(q.To))
	}
	if withCursor && q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, `(time, id) < (?, ?)`)
		args = append(args, t, id)
	}
	for _, t := range q.Filter.Terms {
		c, a := termSQL(t)
		if t.Negate {
			c = `NOT ` + c
		}
		conds = append(conds, c)
		args = append(args, a...)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args, nil
}

// termSQL is the positive condition of one term; it is never NULL, so NOT
// of it is the term's negation (a missing field does not match).
func termSQL(t query.Term) (string, []any) {
	if col, ok := storeutil.EntityColumns[t.Field]; ok {
		if t.Exists {
			return `(` + col + ` IS NOT NULL)`, nil
		}
		// The entity columns are COLLATE NOCASE and LIKE is ASCII
		// case-insensitive, so both can use the partial index.
		return `(` + col + ` IS NOT NULL AND ` + col + ` LIKE ? ESCAPE '\')`, []any{t.LikePattern()}
	}
	if t.Field == "" {
		return `EXISTS (SELECT 1 FROM json_tree(events.fields) v
			WHERE v.atom IS NOT NULL AND v.value LIKE ? ESCAPE '\')`, []any{t.LikePattern()}
	}
	if !strings.ContainsAny(t.Field, `"\`) {
		path := `$."` + t.Field + `"`
		if t.Exists {
			return `(json_type(events.fields, ?) IS NOT NULL)`, []any{path}
		}
		return `EXISTS (SELECT 1 FROM json_each(events.fields, ?) v
			WHERE v.value LIKE ? ESCAPE '\')`, []any{path, t.LikePattern()}
	}
	// Keys a JSON path cannot quote: compare the key itself.
	if t.Exists {
		return `EXISTS (SELECT 1 FROM json_each(events.fields) j WHERE j.key = ?)`, []any{t.Field}
	}
	return `EXISTS (SELECT 1 FROM json_each(events.fields) j,
		json_each(CASE j.type WHEN 'array' THEN j.value ELSE json_array(j.value) END) v
		WHERE j.key = ? AND v.value LIKE ? ESCAPE '\')`, []any{t.Field, t.LikePattern()}
}
