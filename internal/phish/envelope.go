package phish

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// MessageOf returns the RFC 5322 message of an email event's raw record:
// the record itself, or the decoded raw_base64 of a JSON envelope
// {"vigil.format":"eml","raw_base64":"…"}.
func MessageOf(raw []byte) ([]byte, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return raw, nil
	}
	var env struct {
		Raw *string `json:"raw_base64"`
	}
	if err := json.Unmarshal(t, &env); err != nil {
		return nil, err
	}
	if env.Raw == nil {
		return nil, errors.New("envelope without raw_base64")
	}
	return DecodeBase64([]byte(*env.Raw))
}

// DecodeBase64 accepts standard base64 with or without padding.
func DecodeBase64(b []byte) ([]byte, error) {
	out, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil {
		out, err = base64.RawStdEncoding.DecodeString(string(b))
	}
	return out, err
}
