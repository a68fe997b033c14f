// Package behavior is Vigil's behavioural analytics detector ("behavior"): it
// keeps streaming, outlier-robust baselines per user, per peer group (role +
// department) and per device, and emits a finding when an entity departs from
// them — mass record access, export volume, off-hours activity, new
// device/IP/country and impossible travel, the help-desk social-engineering
// chain (reset → new MFA device → new IP → bank-detail change), failed-login
// bursts, password spraying, FHIR enumeration, device novelty, volume spikes,
// beaconing, medical devices initiating SMB/RDP, and uploads to public GenAI
// services with a PHI-likeness check.
//
// Every finding carries its score, the baseline it was compared with and a
// bounded list of evidence event ids. Baselines use event time, never the
// wall clock, so replays give the same verdicts. State is bounded (see
// Config.MaxEntities) and survives restarts through Snapshot/Restore.
//
// Context (roles, departments, asset kinds) comes through the small Directory
// interface declared here; the wiring adapts the hospital context to it. With
// a nil Directory the detector still works: peer groups are unknown and
// devices are recognised by device.id only. See docs/behavior.md.
package behavior
