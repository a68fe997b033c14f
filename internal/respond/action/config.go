package action

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// fileConfig is the actions file:
//
//	connectors:
//	  scim:     {type: scim, url: https://idp.example/scim/v2, token: env:SCIM_TOKEN}
//	  nac:      {type: webhook, url: https://nac.example/hook, secret: file:/etc/vigil/nac.key}
//	  smtp:     {type: smtp, addr: mail.example:587, from: vigil@example.org, to: privacy@example.org, username: vigil, password: env:SMTP_PW}
//	  nats:     {type: nats, url: nats://127.0.0.1:4222, subject: vigil.actions}
//	  syslog:   {type: syslog, network: tcp, addr: siem.example:514}
//	  ticket:   {type: ticket, url: https://itsm.example/api/tickets, token: env:ITSM_TOKEN, id_field: id}
type fileConfig struct {
	Connectors map[string]connConfig `yaml:"connectors"`
}

type connConfig struct {
	Type     string `yaml:"type"`
	URL      string `yaml:"url"`
	Secret   string `yaml:"secret"`   // webhook HMAC key
	Token    string `yaml:"token"`    // bearer token (scim, ticket, nats)
	Addr     string `yaml:"addr"`     // smtp, syslog host:port
	From     string `yaml:"from"`     // smtp envelope sender
	To       string `yaml:"to"`       // smtp default recipients
	Username string `yaml:"username"` // smtp auth
	Password string `yaml:"password"` // smtp auth
	Subject  string `yaml:"subject"`  // nats subject
	Network  string `yaml:"network"`  // syslog: udp or tcp
	IDField  string `yaml:"id_field"` // ticket: JSON field of the created id
}

// maxConfig bounds the actions file.
const maxConfig = 1 << 20

// LoadFile reads an actions file; errors name the file, line and field.
func LoadFile(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("actions file: %w", err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Parse parses the content of an actions file and resolves its secrets.
func Parse(data []byte) (*Set, error) {
	if len(data) > maxConfig {
		return nil, errors.New("actions file larger than 1 MiB")
	}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	var node yaml.Node
	_ = yaml.Unmarshal(data, &node)
	lines := connectorLines(&node)
	names := make([]string, 0, len(fc.Connectors))
	for n := range fc.Connectors {
		names = append(names, n)
	}
	sort.Strings(names)
	conns := map[string]Connector{}
	for _, name := range names {
		c, err := build(fc.Connectors[name])
		if err != nil {
			return nil, fmt.Errorf("line %d: connector %q: %w", lines[name], name, err)
		}
		conns[name] = c
	}
	return &Set{conns: conns}, nil
}

// connectorLines maps connector names to their line in the file.
func connectorLines(doc *yaml.Node) map[string]int {
	out := map[string]int{}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return out
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "connectors" {
			continue
		}
		m := root.Content[i+1]
		for j := 0; j+1 < len(m.Content); j += 2 {
			out[m.Content[j].Value] = m.Content[j].Line
		}
	}
	return out
}

func build(c connConfig) (Connector, error) {
	need := func(field, v string) error {
		if v == "" {
			return fmt.Errorf("%s is required for type %s", field, c.Type)
		}
		return nil
	}
	secret := func(field, ref string) (Secret, error) {
		s, err := ResolveSecret(ref)
		if err != nil {
			return s, fmt.Errorf("%s: %w", field, err)
		}
		return s, nil
	}
	switch c.Type {
	case "webhook":
		if err := checkURL(c.URL); err != nil {
			return nil, err
		}
		key, err := secret("secret", c.Secret)
		if err == nil && !key.Set() {
			err = errors.New("secret is required for type webhook (the HMAC key)")
		}
		if err != nil {
			return nil, err
		}
		return NewWebhook(c.URL, key), nil
	case "scim", "ticket":
		if err := checkURL(c.URL); err != nil {
			return nil, err
		}
		tok, err := secret("token", c.Token)
		if err != nil {
			return nil, err
		}
		if c.Type == "scim" {
			return NewSCIM(c.URL, tok), nil
		}
		return NewTicket(c.URL, tok, c.IDField), nil
	case "smtp":
		if err := errors.Join(need("addr", c.Addr), need("from", c.From)); err != nil {
			return nil, err
		}
		pw, err := secret("password", c.Password)
		if err != nil {
			return nil, err
		}
		return NewSMTP(c.Addr, c.From, c.To, c.Username, pw), nil
	case "nats":
		if err := errors.Join(need("url", c.URL), need("subject", c.Subject)); err != nil {
			return nil, err
		}
		tok, err := secret("token", c.Token)
		if err != nil {
			return nil, err
		}
		return NewNATS(c.URL, c.Subject, tok), nil
	case "syslog":
		if err := need("addr", c.Addr); err != nil {
			return nil, err
		}
		if c.Network == "" {
			c.Network = "udp"
		}
		if c.Network != "udp" && c.Network != "tcp" {
			return nil, fmt.Errorf("network %q: want udp or tcp", c.Network)
		}
		return NewSyslog(c.Network, c.Addr), nil
	case "":
		return nil, errors.New("type is required: webhook, scim, smtp, nats, syslog or ticket")
	}
	return nil, fmt.Errorf("unknown type %q: want webhook, scim, smtp, nats, syslog or ticket", c.Type)
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q: want an http(s) URL", s)
	}
	return nil
}
