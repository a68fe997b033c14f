package action

import "crypto/tls"

// tlsConfig is the client TLS configuration for host (system roots).
func tlsConfig(host string) *tls.Config {
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}
