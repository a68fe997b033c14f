package sigma

import (
	"encoding/base64"
	"fmt"
	"unicode/utf16"
)

// maxVariants bounds how many alternatives one value may expand to
// (windash permutations, placeholder lists).
const maxVariants = 4096

// windashChars are the characters a windash flag character is replaced with.
var windashChars = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

func isWordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= 0x80
}

// windash returns every permutation of s in which each flag character ('-' or
// '/' that starts a word: not preceded by a word character, followed by one)
// is any of windashChars. This is pySigma's "\B[-/]\b" rule.
func windash(s string) ([]string, error) {
	var pos []int
	for i := 0; i < len(s); i++ {
		if s[i] != '-' && s[i] != '/' {
			continue
		}
		if (i == 0 || !isWordByte(s[i-1])) && i+1 < len(s) && isWordByte(s[i+1]) {
			pos = append(pos, i)
		}
	}
	out := []string{""}
	last := 0
	for _, p := range pos {
		if len(out)*len(windashChars) > maxVariants {
			return nil, fmt.Errorf("windash: more than %d variants", maxVariants)
		}
		next := make([]string, 0, len(out)*len(windashChars))
		for _, prefix := range out {
			for _, d := range windashChars {
				next = append(next, prefix+s[last:p]+d)
			}
		}
		out, last = next, p+1
	}
	for i := range out {
		out[i] += s[last:]
	}
	return out, nil
}

func utf16LE(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	return string(b)
}

func utf16BE(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return string(b)
}

func base64Plain(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// base64Offsets returns the three stable base64 fragments of s as it would
// appear at byte offsets 0, 1 and 2 of a longer encoded text (pySigma's
// base64offset).
func base64Offsets(s string) []string {
	start := [3]int{0, 2, 3}
	endTrim := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := 0; i < 3; i++ {
		pad := make([]byte, i, i+len(s))
		for j := range pad {
			pad[j] = ' '
		}
		enc := base64.StdEncoding.EncodeToString(append(pad, s...))
		end := len(enc) - endTrim[(len(s)+i)%3]
		if start[i] > end {
			continue // value too short to have a stable fragment at this offset
		}
		out = append(out, enc[start[i]:end])
	}
	return out
}
