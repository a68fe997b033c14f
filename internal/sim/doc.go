// Package sim is Vigil's hospital simulator: it builds a synthetic hospital
// (staff, patients, families, homes, devices, encounters, care teams), lets it
// work for a number of days (shifts, night work, ED surges, rotating residents,
// float nurses, HIM and billing staff, service accounts, vendors), plants
// labelled attack scenarios, and writes what a hospital would feed Vigil:
// FHIR R4 Bulk Data context, staff.csv and assets.csv, NDJSON event files
// (FHIR AuditEvent, ECS, flat Windows JSON), RFC 5322 e-mail, and the ground
// truth (labels.jsonl, manifest.json).
//
// Output is a pure function of Options: every random stream is a seeded PCG,
// ordering is stable and times derive from Options.Start, so the same
// arguments give byte-identical files. The formats are documented in
// docs/simulator.md and are a contract with the detectors (contracts §1–3).
package sim
