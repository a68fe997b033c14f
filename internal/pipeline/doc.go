// Package pipeline is Vigil's durable event pipeline on NATS JetStream:
// streams, partitioned subjects, publish with deduplication, the dead-letter
// queue, durable consumers and the store and detector workers.
//
// # Streams and subjects
//
// With the default prefix "vigil" there are three file-backed streams:
//
//   - VIGIL_EVENTS, subjects vigil.events.<n>: decoded events in the binary
//     codec (event.AppendBinary). Limits retention: MaxAge [72h] and MaxBytes
//     [8 GiB] with discard-new, so a full stream refuses new events
//     (ErrOverloaded, HTTP 503 + Retry-After) instead of silently dropping
//     old ones that consumers may not have seen yet.
//   - VIGIL_DLQ, subject vigil.dlq: records that could not be decoded, as JSON
//     with their reason; 30 days / 1 GiB, oldest dropped first. Operators list
//     and delete them (ListDLQ, DeleteDLQ).
//   - VIGIL_FINDINGS, subject vigil.findings: detector findings as JSON, for
//     the incident correlator; 7 days / 1 GiB.
//
// Beside the streams: the object store <PREFIX>_STATE keeps detector and
// incident-correlator snapshots, and the KV bucket <PREFIX>_LEASES holds
// leases (RunExclusive) so that one process at a time runs a singleton
// such as the incident correlator, which consumes FINDINGS (ConsumeFindings).
//
// Tests and shared servers use another Prefix so that streams never meet.
//
// # Deduplication
//
// Every event is published with Nats-Msg-Id = event id (findings: finding
// id). JetStream drops a message whose id it saw within the dedupe window
// [10 min] and answers with Duplicate set: Publish counts those. A replay
// after the window is stored again; the consumers stay idempotent anyway
// (the store inserts by id, finding ids are derived from their evidence), so
// the window only saves work. Consumers of FINDINGS must be idempotent by
// finding id for the same reason.
//
// # Durability (Sync)
//
// Publish returns only after JetStream acknowledged every event; only then
// may a source be acknowledged. What an ack guarantees depends on Sync
// (embedded server; an external server has its own sync_interval setting):
//
//   - "interval" (default): with one replica the message is written to the
//     stream's file (the OS page cache) before the ack, and fsynced every
//     2 minutes. It
//     survives kill -9 of Vigil, since the kernel still holds the write, but
//     a power loss or kernel crash can lose up to the last sync interval.
//   - "always": every write is fsynced before the ack. Acknowledged events
//     survive power loss too, at a large throughput cost (see
//     BenchmarkPublish). In a 3-node cluster with Replicas 3, an ack means a
//     majority has the message, which protects against the loss of one
//     machine even with "interval".
//
// # Partitioning
//
// An event goes to subject <prefix>.events.<n> with n = xxhash(partition
// key) mod Partitions [16], the partition key being the user, else host,
// device, source ip, patient (event.Entities.PartitionKey). All events of one
// entity share a subject, so a worker that owns a partition sees that
// entity's events in stream order. Changing Partitions re-maps keys; do it
// only with empty consumers.
//
// # Consumers and scale-out
//
// Consume runs a durable pull consumer (explicit ack, ack wait 15 s, at most
// 20,000 un-acked messages). A batch is acked after the handler succeeded and
// nak'ed with an exponential backoff (250 ms to 30 s) when it failed, so a
// store outage delays events but loses none. Undecodable messages are
// terminated and logged. Messages in flight when a worker dies come back
// after the ack wait; a clean shutdown naks them so they return at once
// (unless the server restarts too, which forgets naks).
//
// Several `vigil serve --role worker` processes that call Consume with the
// same consumer name ("store", "detect") share that durable consumer: each
// pull request gets different messages, so work spreads across processes
// with no coordination beyond JetStream. Stateless work (the store writer)
// scales this way directly. Stateful detectors need all events of an entity
// in one process: the partitioned subjects exist so that each such worker can
// own a range of partitions with its own consumer filtered on those
// <prefix>.events.<n> subjects. That per-partition Consume variant is not
// written yet: Consume today reads all partitions, which is right for one
// detector process (the default) and for stateless detectors.
// Workers reach the embedded server of the main process through Listen, or
// all processes use an external cluster (URL).
package pipeline
