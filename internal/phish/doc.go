// Package phish analyses one email message for phishing, business email
// compromise (BEC) and impersonation of a hospital's people and partners.
//
// Analyze parses the message with enmime (bounded: size, header size, parts,
// nesting, URLs and text are capped; see limits.go), computes signals —
// sender authentication (SPF, DKIM, DMARC with an injectable DNS resolver, or
// the message's own Authentication-Results / ARC headers), sender identity
// (VIP display-name impersonation, lookalike and confusable domains,
// Reply-To / Return-Path mismatch, first-time sender), URLs, attachments and
// language (a hashed-token logistic text model trained in this repository,
// plus BEC and healthcare-lure cue phrases) — and combines them with a
// logistic model whose weights are fitted on a training split (train.go).
// Every reason carries the evidence it was derived from.
//
// The package has no I/O besides the optional DNS resolver; the CLI, the API
// and the pipeline detector (internal/detect/phish) wrap it.
package phish
