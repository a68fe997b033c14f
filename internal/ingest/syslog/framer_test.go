package syslog

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// frames reads everything, returning messages and frame errors in order.
func frames(t testing.TB, r io.Reader, max int) (msgs []string, bad []*FrameError, final error) {
	f := NewFramer(r, max)
	for {
		m, err := f.Next()
		var fe *FrameError
		switch {
		case err == nil:
			msgs = append(msgs, string(m))
		case errors.As(err, &fe):
			bad = append(bad, fe)
		default:
			return msgs, bad, err
		}
	}
}

func TestFramer(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		want  []string
		bad   []int64 // offsets of frame errors
		final error
	}{
		{name: "lf", in: "<13>a\n<13>b\n", want: []string{"<13>a", "<13>b"}},
		{name: "crlf and nul", in: "<13>a\r\n<13>b\x00<13>c", want: []string{"<13>a", "<13>b", "<13>c"}},
		{name: "empty frames skipped", in: "\n\r\n\x00<1>x\n\n", want: []string{"<1>x"}},
		{name: "octet", in: "5 <1>ab3 <2>", want: []string{"<1>ab", "<2>"}},
		{name: "octet keeps newlines", in: "6 <1>a\nb\n", want: []string{"<1>a\nb"}},
		{name: "mixed", in: "6 <1>abc<2>line\n4 <3>x\n<4>y\n", want: []string{"<1>abc", "<2>line", "<3>x", "<4>y"}},
		{name: "octet then trailing lf", in: "3 <1>\n3 <2>\n", want: []string{"<1>", "<2>"}},
		{name: "oversized lf resync", in: "<1>0123456789\n<2>ok\n", max: 8, want: []string{"<2>ok"}, bad: []int64{0}},
		{name: "oversized lf at eof", in: "<2>ok\n<1>0123456789", max: 8, want: []string{"<2>ok"}, bad: []int64{6}},
		{name: "oversized octet skipped by length", in: "12 <1>456789012\n<2>ok\n", max: 8, want: []string{"<2>ok"}, bad: []int64{0}},
		{name: "exactly max", in: "<1>45678\n8 <1>45678", max: 8, want: []string{"<1>45678", "<1>45678"}},
		{name: "malformed count", in: "12x <1>junk\n<2>ok\n", want: []string{"<2>ok"}, bad: []int64{0}},
		{name: "count too long", in: "1234567890 x\n<2>ok\n", want: []string{"<2>ok"}, bad: []int64{0}},
		{name: "count ends at newline", in: "<2>a\n42\n<2>b\n", want: []string{"<2>a", "<2>b"}, bad: []int64{5}},
		{name: "truncated octet", in: "<2>a\n10 <1>", want: []string{"<2>a"}, final: io.ErrUnexpectedEOF},
		{name: "truncated count", in: "12", final: io.ErrUnexpectedEOF},
		{name: "empty", in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, split := range []bool{false, true} {
				var r io.Reader = strings.NewReader(tc.in)
				if split { // every byte in its own read: frames split across writes
					r = iotest.OneByteReader(r)
				}
				msgs, bad, final := frames(t, r, tc.max)
				if strings.Join(msgs, "|") != strings.Join(tc.want, "|") {
					t.Errorf("split=%v: messages %q, want %q", split, msgs, tc.want)
				}
				var offs []int64
				for _, fe := range bad {
					offs = append(offs, fe.Offset)
					if !strings.Contains(fe.Error(), "at byte") {
						t.Errorf("error %q does not name the offset", fe)
					}
				}
				if len(offs) != len(tc.bad) || (len(offs) > 0 && offs[0] != tc.bad[0]) {
					t.Errorf("split=%v: bad frames at %v, want %v", split, offs, tc.bad)
				}
				want := tc.final
				if want == nil {
					want = io.EOF
				}
				if !errors.Is(final, want) {
					t.Errorf("split=%v: final error %v, want %v", split, final, want)
				}
			}
		})
	}
}

func TestFramerLargeOctetFrame(t *testing.T) {
	body := "<1>" + strings.Repeat("z", 60000)
	in := "60003 " + body + "\n<2>next\n"
	msgs, bad, final := frames(t, strings.NewReader(in), 0)
	if len(msgs) != 2 || msgs[0] != body || msgs[1] != "<2>next" || len(bad) != 0 || final != io.EOF {
		t.Fatalf("got %d msgs, %d bad, %v", len(msgs), len(bad), final)
	}
}

func FuzzFramer(f *testing.F) {
	for _, s := range []string{"<13>a\n", "5 <1>ab3 <2>", "12x <1>\n", "\x00\r\n", "99999 <1>", "1234567890 x\n"} {
		f.Add([]byte(s), 16)
	}
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		max = max%256 + 1
		if max <= 0 {
			max += 256
		}
		fr := NewFramer(bytes.NewReader(data), max)
		for i := 0; i <= len(data); i++ {
			msg, err := fr.Next()
			var fe *FrameError
			switch {
			case err == nil:
				if len(msg) == 0 || len(msg) > max {
					t.Fatalf("message of %d bytes with limit %d", len(msg), max)
				}
			case errors.As(err, &fe):
				if fe.Offset < 0 || fe.Offset > int64(len(data)) {
					t.Fatalf("offset %d outside input of %d", fe.Offset, len(data))
				}
			default:
				if fr.Offset() > int64(len(data)) {
					t.Fatalf("consumed %d of %d bytes", fr.Offset(), len(data))
				}
				return
			}
		}
		t.Fatalf("no end after %d frames of %d bytes", len(data)+1, len(data))
	})
}
