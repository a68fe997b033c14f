package hospital

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// MaxLine is the longest NDJSON line or CSV record accepted (1 MiB): FHIR
// resources of the seven kinds are a few KB; longer lines are rejected.
const MaxLine = 1 << 20

// maxRejectedListed caps the rejections listed per file; Parsed.RejectedTotal
// always has the full count.
const maxRejectedListed = 1000

// Rejection is one row that did not load: its 1-based line and why.
type Rejection struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Item is one parsed record: its id within its kind and the value (one of
// Staff, Asset, Patient, Practitioner, PractitionerRole, Encounter,
// CareTeam, RelatedPerson, Condition — by value).
type Item struct {
	ID    string
	Value any
}

// Parsed is what one file yielded.
type Parsed struct {
	Kind          Kind
	Items         []Item
	Rejected      []Rejection
	RejectedTotal int
}

func (p *Parsed) reject(line int, format string, args ...any) {
	p.RejectedTotal++
	if len(p.Rejected) < maxRejectedListed {
		p.Rejected = append(p.Rejected, Rejection{Line: line, Reason: fmt.Sprintf(format, args...)})
	}
}

// KindOf decides the kind of a file from its base name: "Patient.ndjson",
// "Patient_2.ndjson.gz", "staff.csv", "assets.csv" (case-insensitive).
func KindOf(name string) (Kind, error) {
	base := strings.TrimSuffix(strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/"))), ".gz")
	stem := base
	if i := strings.IndexAny(stem, "._-"); i >= 0 {
		stem = stem[:i]
	}
	for _, k := range AllKinds {
		if strings.EqualFold(stem, string(k)) {
			if (k == KindStaff || k == KindAssets) != strings.HasSuffix(base, ".csv") {
				break
			}
			return k, nil
		}
	}
	return "", fmt.Errorf("cannot tell the kind of %q: want <ResourceType>.ndjson (Patient, Practitioner, "+
		"PractitionerRole, Encounter, CareTeam, RelatedPerson, Condition), staff.csv or assets.csv", name)
}

// ParseKind parses a ?kind= value (a kind name, case-insensitive).
func ParseKind(s string) (Kind, error) {
	for _, k := range AllKinds {
		if strings.EqualFold(strings.TrimSpace(s), string(k)) {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q", s)
}

// Parse reads one context file of kind k (gzip detected by its magic bytes).
// now judges impossible dates (future birth dates). Bad rows are listed in
// the result; the error is only for input that cannot be read at all.
func Parse(k Kind, r io.Reader, now time.Time) (Parsed, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return Parsed{Kind: k}, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	switch k {
	case KindStaff:
		return parseStaffCSV(br, now)
	case KindAssets:
		return parseAssetsCSV(br)
	}
	p := Parsed{Kind: k}
	dec, ok := fhirDecoders[k]
	if !ok {
		return p, fmt.Errorf("unknown kind %q", k)
	}
	err := eachLine(br, func(line int, b []byte, tooLong bool) {
		switch {
		case tooLong:
			p.reject(line, "line longer than %d bytes", MaxLine)
		case len(bytes.TrimSpace(b)) == 0:
		default:
			it, err := dec(b, now)
			if err != nil {
				p.reject(line, "%v", err)
				return
			}
			p.Items = append(p.Items, it)
		}
	})
	return p, err
}

// eachLine calls fn for every line (without its newline); lines over MaxLine
// are reported as tooLong with no content.
func eachLine(br *bufio.Reader, fn func(line int, b []byte, tooLong bool)) error {
	var buf []byte
	line, long := 0, false
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if !long {
			buf = append(buf, chunk...)
			if len(buf) > MaxLine {
				long, buf = true, buf[:0]
			}
		}
		if isPrefix {
			continue
		}
		line++
		fn(line, buf, long)
		buf, long = buf[:0], false
	}
}
