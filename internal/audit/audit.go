// Package audit keeps Vigil's append-only, hash-chained audit log: every API
// mutation, every write with a token, every action and approval. Each record's
// hash covers its content and the previous record's hash, so an edit or a
// deletion anywhere breaks the chain from that record on; Verify names the
// first broken record.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// Genesis is the PrevHash of the first record.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Hash computes the hash of rec from every field but Hash itself.
func Hash(rec *store.AuditRecord) string {
	h := sha256.New()
	var n [8]byte
	writeInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	writeStr := func(s string) {
		writeInt(int64(len(s)))
		h.Write([]byte(s))
	}
	writeInt(rec.Seq)
	writeInt(rec.Time.UTC().UnixNano())
	writeStr(rec.Actor)
	writeStr(rec.Role)
	writeStr(rec.Action)
	writeStr(rec.Target)
	writeInt(int64(rec.Status))
	writeStr(rec.Detail)
	writeStr(rec.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets rec.Hash; it is the seal function handed to store.AppendAudit.
func Seal(rec *store.AuditRecord) { rec.Hash = Hash(rec) }

// Log appends records to the chain in a store.
type Log struct {
	st  store.Audit
	now func() time.Time
}

// NewLog returns a Log writing to st.
func NewLog(st store.Audit) *Log { return &Log{st: st, now: time.Now} }

// Append adds a record; Seq, PrevHash, Hash and (if zero) Time are filled in.
func (l *Log) Append(ctx context.Context, rec store.AuditRecord) (store.AuditRecord, error) {
	if rec.Time.IsZero() {
		rec.Time = l.now()
	}
	rec.Time = rec.Time.UTC().Truncate(time.Microsecond)
	return l.st.AppendAudit(ctx, rec, Seal)
}

// BreakError describes the first record where the chain does not hold.
type BreakError struct {
	Seq    int64
	Reason string
}

func (e *BreakError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// Verify walks the whole chain and returns how many records it checked and,
// if the chain is broken, a *BreakError naming the first bad record.
func Verify(ctx context.Context, st store.Audit) (int64, error) {
	prev, want := Genesis, int64(1)
	var checked int64
	for {
		recs, err := st.ListAudit(ctx, want-1, 1000)
		if err != nil {
			return checked, err
		}
		if len(recs) == 0 {
			return checked, nil
		}
		for i := range recs {
			r := &recs[i]
			switch {
			case r.Seq != want:
				return checked, &BreakError{Seq: want, Reason: fmt.Sprintf("entry missing (next stored is %d)", r.Seq)}
			case r.PrevHash != prev:
				return checked, &BreakError{Seq: r.Seq, Reason: "prev_hash does not match the previous entry's hash"}
			case Hash(r) != r.Hash:
				return checked, &BreakError{Seq: r.Seq, Reason: "content does not match its hash (entry altered)"}
			}
			prev, want = r.Hash, want+1
			checked++
		}
	}
}
