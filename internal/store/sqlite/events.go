package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

// insertChunk is how many events go into one multi-row INSERT statement.
const insertChunk = 64

const eventCols = `id, time, ingested, format, user_name, host_name, src_ip, dst_ip, patient, device, fields, raw`

// InsertEvents stores the new events in one transaction and returns how
// many were new.
func (s *Store) InsertEvents(ctx context.Context, evs []*event.Event) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	for i, ev := range evs {
		if ev == nil || ev.ID == "" {
			return 0, fmt.Errorf("sqlite: insert events: event %d has no id", i)
		}
	}
	tx, err := s.ev.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: insert events: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	full, err := tx.PrepareContext(ctx, insertSQL(insertChunk))
	if err != nil {
		return 0, fmt.Errorf("sqlite: insert events: %w", err)
	}
	defer full.Close()
	args := make([]any, 0, 12*insertChunk)
	var buf []byte
	total := 0
	for start := 0; start < len(evs); start += insertChunk {
		chunk := evs[start:min(start+insertChunk, len(evs))]
		args = args[:0]
		for _, ev := range chunk {
			e := storeutil.EntityValues(ev)
			buf = storeutil.AppendFieldsJSON(buf[:0], ev.Fields, false)
			args = append(args, ev.ID, storeutil.Nanos(ev.Time), storeutil.Nanos(ev.Ingested), string(ev.Format),
				nullStr(e[0]), nullStr(e[1]), nullStr(e[2]), nullStr(e[3]), nullStr(e[4]), nullStr(e[5]),
				string(buf), ev.Raw)
		}
		var res sql.Result
		if len(chunk) == insertChunk {
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, insertSQL(len(chunk)), args...)
		}
		if err != nil {
			return 0, fmt.Errorf("sqlite: insert events: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: insert events: %w", err)
	}
	return total, nil
}

// insertSQL is a multi-row INSERT OR IGNORE of rows events.
//
// OR IGNORE rather than ON CONFLICT (id) DO NOTHING: a multi-row statement
// that may abort half-way (the NOT NULL constraints default to ABORT) makes
// SQLite keep a statement journal, a copy of every page the statement
// touches, so it can undo just that statement. With 64 KiB pages that
// journal spills to a temporary file at once; in BenchmarkInsertEvents it
// was a quarter of InsertEvents' time. Under OR IGNORE no constraint can
// abort the statement, so SQLite skips the journal. The semantics are the
// same here: id is the only unique key, and InsertEvents never binds NULL
// to a NOT NULL column, so the only row ever ignored is one whose id is
// already stored.
func insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT OR IGNORE INTO events (` + eventCols + `) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?,?,?,?,?,?,?,?,?,?,?,?)`)
	}
	return b.String()
}

// GetEvent returns the stored event or an error wrapping store.ErrNotFound.
func (s *Store) GetEvent(ctx context.Context, id string) (*event.Event, error) {
	rows, err := s.ev.r.QueryContext(ctx, `SELECT `+eventCols+` FROM events WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: get event: %w", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("sqlite: event %q: %w", id, store.ErrNotFound)
	}
	return evs[0], nil
}

func scanEvents(rows *sql.Rows) ([]*event.Event, error) {
	defer rows.Close()
	var evs []*event.Event
	for rows.Next() {
		var (
			ev                   event.Event
			t, ing               int64
			format               string
			u, h, sip, dip, p, d sql.NullString
			fields               []byte
			raw                  []byte
		)
		if err := rows.Scan(&ev.ID, &t, &ing, &format, &u, &h, &sip, &dip, &p, &d, &fields, &raw); err != nil {
			return nil, fmt.Errorf("sqlite: scan event: %w", err)
		}
		ev.Time, ev.Ingested, ev.Format = storeutil.Time(t), storeutil.Time(ing), event.Format(format)
		ev.Entities = event.Entities{User: u.String, Host: h.String, SrcIP: sip.String,
			DstIP: dip.String, Patient: p.String, Device: d.String}
		fs, err := storeutil.DecodeFields(fields)
		if err != nil {
			return nil, fmt.Errorf("sqlite: event %q: %w", ev.ID, err)
		}
		ev.Fields = fs
		if len(raw) > 0 {
			ev.Raw = raw
		}
		evs = append(evs, &ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read events: %w", err)
	}
	return evs, nil
}

// SearchEvents returns one page of matching events, newest first.
func (s *Store) SearchEvents(ctx context.Context, q store.EventQuery) (store.EventPage, error) {
	limit, err := storeutil.Limit(q.Limit)
	if err != nil {
		return store.EventPage{}, err
	}
	where, args, err := eventWhere(q, true)
	if err != nil {
		return store.EventPage{}, err
	}
	rows, err := s.ev.r.QueryContext(ctx, `SELECT `+eventCols+` FROM events`+where+
		` ORDER BY time DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return store.EventPage{}, fmt.Errorf("sqlite: search events: %w", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return store.EventPage{}, err
	}
	var page store.EventPage
	if len(evs) > limit {
		evs = evs[:limit]
		last := evs[limit-1]
		page.Next = storeutil.EncodeCursor(storeutil.Nanos(last.Time), last.ID)
	}
	page.Events = evs
	return page, nil
}

// CountEvents counts matching events.
func (s *Store) CountEvents(ctx context.Context, q store.EventQuery) (int64, error) {
	where, args, err := eventWhere(q, false)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := s.ev.r.QueryRowContext(ctx, `SELECT count(*) FROM events`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count events: %w", err)
	}
	return n, nil
}

// deleteChunk bounds how long one retention DELETE holds the write lock.
const deleteChunk = 5000

// DeleteEventsBefore removes events with time < t, in chunks.
func (s *Store) DeleteEventsBefore(ctx context.Context, t time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.ev.w.ExecContext(ctx, `DELETE FROM events WHERE id IN
			(SELECT id FROM events WHERE time < ? LIMIT ?)`, storeutil.Nanos(t), deleteChunk)
		if err != nil {
			return total, fmt.Errorf("sqlite: delete events: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < deleteChunk {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
