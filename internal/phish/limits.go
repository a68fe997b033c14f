package phish

// Bounds on the work and memory spent on one message. A message over a bound
// is still analysed (on what fits) and carries a "malformed: …" reason.
const (
	// MaxMessageBytes: bytes of a raw message read; the rest is ignored.
	MaxMessageBytes = 8 << 20
	// MaxHeaderBytes: the top-level header section.
	MaxHeaderBytes = 256 << 10
	// MaxMultiparts: multipart containers (boundary declarations) MIME-parsed;
	// beyond it only the headers are parsed and the body is read as text.
	// This also bounds the nesting depth (each level needs one boundary).
	MaxMultiparts = 48
	// MaxDepth: nesting depth of multiparts. enmime's nested boundary
	// readers cost about ×2 per level (16 levels ≈ 85 ms, 30 levels: minutes),
	// so deeper messages are not MIME-parsed: the depth is measured by a
	// linear pre-scan and beyond it only the headers are parsed.
	MaxDepth = 12
	// MaxParts: MIME parts inspected.
	MaxParts = 200
	// MaxTextBytes: plain text (incl. HTML rendered to text) given to the
	// language signals.
	MaxTextBytes = 128 << 10
	// MaxHTMLBytes: HTML scanned for links, forms and scripts.
	MaxHTMLBytes = 512 << 10
	// MaxURLs: distinct URLs kept per message.
	MaxURLs = 200
	// MaxZipEntries: central-directory entries read from one archive (the
	// archive is never decompressed, so zip bombs cost nothing).
	MaxZipEntries = 1000
)
