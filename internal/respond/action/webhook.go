package action

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Webhook headers. The signature is HMAC-SHA256 over "<timestamp>.<body>"
// with the shared key, hex-encoded and prefixed "sha256="; the receiver
// rejects timestamps older than its tolerance (replay) and compares in
// constant time (VerifySignature does both).
const (
	HeaderTimestamp = "X-Vigil-Timestamp"
	HeaderSignature = "X-Vigil-Signature"
	HeaderActionID  = "X-Vigil-Action-Id"
)

// Webhook POSTs a signed JSON document describing the action. It runs
// the generic webhook and the firewall/NAC/IdP actions (block an IP or a
// domain, isolate a device, revoke sessions).
type Webhook struct {
	url string
	key Secret
	now func() time.Time
}

// NewWebhook returns a webhook connector for url signed with key.
func NewWebhook(url string, key Secret) *Webhook { return &Webhook{url: url, key: key, now: time.Now} }

// Kinds implements Connector.
func (w *Webhook) Kinds() []string {
	return []string{"webhook", "block.ip", "block.domain", "isolate.device", "session.revoke"}
}

// webhookBody is the JSON sent.
type webhookBody struct {
	Request
	Timestamp int64 `json:"timestamp"`
}

// Execute implements Connector.
func (w *Webhook) Execute(ctx context.Context, r Request) (string, error) {
	ts := w.now().Unix()
	body, err := json.Marshal(webhookBody{Request: r, Timestamp: ts})
	if err != nil {
		return "", err
	}
	tss := strconv.FormatInt(ts, 10)
	_, err = doHTTP(ctx, "POST", w.url, body, map[string]string{
		"Content-Type":  "application/json",
		HeaderTimestamp: tss,
		HeaderSignature: Sign(w.key.Value(), tss, body),
		HeaderActionID:  r.ID,
	})
	if err != nil {
		return "", err
	}
	return "delivered", nil
}

// Sign returns the signature header value for timestamp and body.
func Sign(key, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a received webhook: the signature matches and the
// timestamp is within tolerance of now (either side).
func VerifySignature(key, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if d := math.Abs(float64(now.Unix() - ts)); d > tolerance.Seconds() {
		return fmt.Errorf("timestamp %ds away from now: replay or clock skew", int64(d))
	}
	if !strings.HasPrefix(signature, "sha256=") || !hmac.Equal([]byte(signature), []byte(Sign(key, timestamp, body))) {
		return errors.New("signature mismatch")
	}
	return nil
}
