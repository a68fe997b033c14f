package postgres

import (
	"strconv"
	"strings"

	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

// sqlBuilder collects AND-ed conditions and their $n arguments.
type sqlBuilder struct {
	conds []string
	args  []any
}

// arg adds a bind argument and returns its placeholder.
func (b *sqlBuilder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *sqlBuilder) where() string {
	if len(b.conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(b.conds, ` AND `)
}

// eventWhere adds the conditions of q; every key and value is a bind
// argument.
func (b *sqlBuilder) eventWhere(q store.EventQuery, withCursor bool) error {
	if !q.From.IsZero() {
		b.conds = append(b.conds, `time >= `+b.arg(storeutil.Nanos(q.From)))
	}
	if !q.To.IsZero() {
		b.conds = append(b.conds, `time < `+b.arg(storeutil.Nanos(q.To)))
	}
	if withCursor && q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return err
		}
		b.conds = append(b.conds, `(time, id) < (`+b.arg(t)+`, `+b.arg(id)+`)`)
	}
	for _, t := range q.Filter.Terms {
		c := b.term(t)
		if t.Negate {
			c = `NOT ` + c
		}
		b.conds = append(b.conds, c)
	}
	return nil
}

// term is the positive condition of one term; it is never NULL, so NOT of
// it is the term's negation (a missing field does not match).
func (b *sqlBuilder) term(t query.Term) string {
	if col, ok := storeutil.EntityColumns[t.Field]; ok {
		if t.Exists {
			return `(` + col + ` IS NOT NULL)`
		}
		return `(` + col + ` IS NOT NULL AND lower(` + col + `) LIKE lower(` + b.arg(clean(t.LikePattern())) + `::text) ESCAPE '\')`
	}
	if t.Field == "" {
		return `EXISTS (SELECT 1 FROM jsonb_each(fields) j, jsonb_array_elements_text(CASE jsonb_typeof(j.value)
			WHEN 'array' THEN j.value ELSE jsonb_build_array(j.value) END) v
			WHERE lower(v) LIKE lower(` + b.arg(clean(t.LikePattern())) + `::text) ESCAPE '\')`
	}
	k := b.arg(clean(t.Field)) + `::text`
	if t.Exists {
		return `(fields ? ` + k + `)`
	}
	return `(fields ? ` + k + ` AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE jsonb_typeof(fields -> ` + k + `)
		WHEN 'array' THEN fields -> ` + k + ` ELSE jsonb_build_array(fields -> ` + k + `) END) v
		WHERE lower(v) LIKE lower(` + b.arg(clean(t.LikePattern())) + `::text) ESCAPE '\'))`
}
