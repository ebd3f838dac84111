package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The headers of a delivery.
const (
	// HeaderDelivery and HeaderIdempotencyKey carry the delivery's
	// idempotency key, the same on every attempt.
	HeaderDelivery       = "X-Pactreg-Delivery"
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderTimestamp is the attempt's time in Unix seconds; it is signed.
	HeaderTimestamp = "X-Pactreg-Timestamp"
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256, keyed with the
	// endpoint's secret, of the timestamp, a dot and the body.
	HeaderSignature = "X-Pactreg-Signature"
	// UserAgent identifies pactreg's requests.
	UserAgent = "pactreg-webhooks"
)

// secretPrefix starts every webhook secret, so that secret scanners and
// people recognise one.
const secretPrefix = "whsec_"

// NewSecret returns a fresh endpoint secret: the prefix and 32 random
// bytes. The whole string, as shown, is the HMAC key.
func NewSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random webhook secret: %w", err)
	}
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Sign returns the signature header value of body sent at timestamp ts
// (Unix seconds): "sha256=" + hex(HMAC-SHA256(secret, ts + "." + body)).
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify is what a receiver written in Go checks: the signature of body
// under secret, and a timestamp no further than tolerance from now (a
// replayed request is refused once it is older). It compares in constant
// time.
func Verify(secret string, h http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	ts, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return errors.New("webhook: no valid " + HeaderTimestamp + " header")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: timestamp %d is outside the tolerance of %s", ts, tolerance)
	}
	if !hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(Sign(secret, ts, body))) {
		return errors.New("webhook: the signature does not match")
	}
	return nil
}
