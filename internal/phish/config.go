package phish

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the hospital's view of its mail: who it is, who matters, whom it
// trusts. Loaded from YAML (see docs/phishing.md); unknown keys are errors.
type Config struct {
	// OwnDomains are the hospital's mail domains (lookalikes of them are
	// flagged; recipients there are internal).
	OwnDomains []string `yaml:"own_domains"`
	// VIPs are executives and clinical leaders whose names are impersonated.
	VIPs []VIP `yaml:"vips"`
	// Partners are vendors, payers and other trusted outside organisations.
	Partners []Partner `yaml:"partners"`
	// Allow lists senders and domains whose mail is never scored above clean
	// for identity signals (authentication failures still count).
	Allow Allow `yaml:"allow"`
	// Shorteners extends the built-in list of URL-shortener domains.
	Shorteners []string `yaml:"shorteners"`
	// AuthservID: only Authentication-Results headers with this authserv-id
	// are trusted (the hospital's own border MTA). Empty: the topmost one.
	AuthservID string `yaml:"authserv_id"`
	// InternalNetworks are the hospital's mail relays and clients with
	// public addresses (CIDRs): Received hops from them, like hops from
	// private addresses, are inside the hospital.
	InternalNetworks []string `yaml:"internal_networks"`
	internalNets     []*net.IPNet
}

// VIP is a person whose name should only come from the hospital's domains
// (or from the listed addresses).
type VIP struct {
	Name      string   `yaml:"name"`
	Title     string   `yaml:"title"`
	Addresses []string `yaml:"addresses"`
}

// Partner is a known outside organisation.
type Partner struct {
	Name    string   `yaml:"name"`
	Kind    string   `yaml:"kind"` // vendor, payer, …
	Domains []string `yaml:"domains"`
}

// Allow is the allow-list.
type Allow struct {
	Senders []string `yaml:"senders"`
	Domains []string `yaml:"domains"`
}

// ParseConfig reads YAML; errors name the line.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err.Error() != "EOF" {
		return nil, fmt.Errorf("phish config: %w", err)
	}
	if err := c.normalise(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadConfig reads a YAML file; "" gives the empty configuration.
func LoadConfig(path string) (*Config, error) {
	if path == "" {
		return &Config{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (c *Config) normalise() error {
	low := func(xs []string) {
		for i, x := range xs {
			xs[i] = strings.ToLower(strings.TrimSpace(x))
		}
	}
	low(c.OwnDomains)
	low(c.Allow.Senders)
	low(c.Allow.Domains)
	low(c.Shorteners)
	for i, v := range c.VIPs {
		if strings.TrimSpace(v.Name) == "" {
			return fmt.Errorf("phish config: vips[%d]: name is empty", i)
		}
		low(c.VIPs[i].Addresses)
	}
	for _, n := range c.InternalNetworks {
		_, ipn, err := net.ParseCIDR(strings.TrimSpace(n))
		if err != nil {
			return fmt.Errorf("phish config: internal_networks: %w", err)
		}
		c.internalNets = append(c.internalNets, ipn)
	}
	for i, p := range c.Partners {
		if len(p.Domains) == 0 {
			return fmt.Errorf("phish config: partners[%d] (%s): no domains", i, p.Name)
		}
		low(c.Partners[i].Domains)
	}
	return nil
}

// isOwn reports whether domain is (a subdomain of) an own domain.
func (c *Config) isOwn(domain string) bool { return underAny(domain, c.OwnDomains) }

// internalIP: a private, loopback or link-local address, or one in
// InternalNetworks.
func (c *Config) internalIP(ip net.IP) bool {
	if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return true
	}
	for _, n := range c.internalNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func (c *Config) partnerOf(domain string) (Partner, bool) {
	for _, p := range c.Partners {
		if underAny(domain, p.Domains) {
			return p, true
		}
	}
	return Partner{}, false
}

func (c *Config) allowed(a Address) bool {
	for _, s := range c.Allow.Senders {
		if s == a.Addr {
			return true
		}
	}
	return underAny(a.Domain(), c.Allow.Domains)
}

// protectedDomains: own and partner domains (lookalike targets).
func (c *Config) protectedDomains() []string {
	out := append([]string{}, c.OwnDomains...)
	for _, p := range c.Partners {
		out = append(out, p.Domains...)
	}
	return out
}

func underAny(domain string, list []string) bool {
	for _, d := range list {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// ConfigFile holds a configuration loaded from a file and reloads it when
// the file's modification time changes (checked at most every interval) or
// when Reload is called (SIGHUP / rules reload). A bad new file keeps the
// previous configuration and is reported by Err.
type ConfigFile struct {
	path     string
	interval time.Duration
	mu       sync.Mutex
	cur      *Config
	mtime    time.Time
	checked  time.Time
	err      error
	// OnReload, if set, is called after every reload attempt from Current
	// or Reload (err nil on success); for logging.
	OnReload func(path string, err error)
}

// OpenConfigFile loads path (which must parse).
func OpenConfigFile(path string, interval time.Duration) (*ConfigFile, error) {
	f := &ConfigFile{path: path, interval: interval}
	if err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Reload reads the file now.
func (f *ConfigFile) Reload() error {
	err := f.reload()
	if f.OnReload != nil {
		f.OnReload(f.path, err)
	}
	return err
}

func (f *ConfigFile) reload() error {
	st, err := os.Stat(f.path)
	if err != nil {
		return f.fail(err)
	}
	c, err := LoadConfig(f.path)
	if err != nil {
		return f.fail(err)
	}
	f.mu.Lock()
	f.cur, f.mtime, f.err, f.checked = c, st.ModTime(), nil, time.Now()
	f.mu.Unlock()
	return nil
}

func (f *ConfigFile) fail(err error) error {
	f.mu.Lock()
	f.err, f.checked = err, time.Now()
	// the failed file's mtime counts as seen, so it is not re-read (and
	// re-reported) every interval until it changes again
	if st, serr := os.Stat(f.path); serr == nil {
		f.mtime = st.ModTime()
	}
	f.mu.Unlock()
	return err
}

// Current returns the configuration, reloading first if the file changed.
func (f *ConfigFile) Current() *Config {
	f.mu.Lock()
	due := time.Since(f.checked) >= f.interval
	if due {
		f.checked = time.Now()
	}
	mtime := f.mtime
	f.mu.Unlock()
	if due {
		if st, err := os.Stat(f.path); err == nil && !st.ModTime().Equal(mtime) {
			_ = f.Reload()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur
}

// Err is the error of the last reload attempt (nil if it succeeded).
func (f *ConfigFile) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
