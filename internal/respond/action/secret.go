package action

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// Secret is a credential read from env:NAME or file:PATH. It prints and
// logs as [redacted]; the value sits behind a pointer so that printing a
// struct holding a Secret (fmt walks unexported fields without calling
// String) shows an address, never the value.
type Secret struct{ v *string }

// NewSecret wraps a value (tests and wiring).
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{&v}
}

// Value returns the secret itself, for the protocol only.
func (s Secret) Value() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// Set reports whether a secret was configured.
func (s Secret) Set() bool { return s.v != nil && *s.v != "" }

func (s Secret) String() string { return "[redacted]" }

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return "action.Secret{[redacted]}" }

// LogValue keeps slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// maxSecretFile bounds a secret file.
const maxSecretFile = 64 << 10

// ResolveSecret reads a reference: env:NAME (the variable must be set and
// non-empty) or file:PATH (trailing newline trimmed). Literal secrets are
// refused so that none sits in the actions file.
func ResolveSecret(ref string) (Secret, error) {
	kind, arg, ok := strings.Cut(ref, ":")
	switch {
	case ref == "":
		return Secret{}, nil
	case ok && kind == "env":
		v := os.Getenv(arg)
		if v == "" {
			return Secret{}, fmt.Errorf("environment variable %s is not set or empty", arg)
		}
		return NewSecret(v), nil
	case ok && kind == "file":
		fi, err := os.Stat(arg)
		if err != nil {
			return Secret{}, fmt.Errorf("secret file: %w", err)
		}
		if fi.Size() > maxSecretFile {
			return Secret{}, fmt.Errorf("secret file %s larger than 64 KiB", arg)
		}
		b, err := os.ReadFile(arg)
		if err != nil {
			return Secret{}, fmt.Errorf("secret file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return Secret{}, fmt.Errorf("secret file %s is empty", arg)
		}
		return NewSecret(v), nil
	}
	return Secret{}, fmt.Errorf("a secret must be env:NAME or file:PATH, not a literal value")
}
