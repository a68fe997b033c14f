package event

import (
	"crypto/sha256"
	"encoding/hex"
)

// ContentID is the id of a record that carries no id of its own: the first
// 128 bits of the SHA-256 of its parts, hex-encoded (32 characters). The same
// record always gets the same id, which is what makes replays idempotent.
func ContentID(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		l := len(p)
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// SourceID is the id of a record identified by the source itself (for example
// a Windows channel + computer + record number): the same hash, prefixed by
// the format so ids from different sources never meet.
func SourceID(format Format, parts ...string) string {
	bs := make([][]byte, 0, len(parts)+1)
	bs = append(bs, []byte(format))
	for _, p := range parts {
		bs = append(bs, []byte(p))
	}
	return ContentID(bs...)
}
