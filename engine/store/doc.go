// Package store defines the engine's storage interfaces: per-flow inboxes,
// a key store with revisions and TTLs (dedupe keys, the delivery ledger),
// dead letters and an append-only audit log.
//
// The interfaces are shaped so that a distributed implementation (NATS
// JetStream: work-queue streams for inboxes, KV buckets with TTL and
// compare-and-set for keys) fits as well as the embedded Badger one in
// package badgerstore: single-key compare-and-set instead of multi-key
// transactions, leases instead of in-process locks, durability promised per
// call. Package storetest holds the conformance suite every implementation
// must pass.
//
// Imports: the standard library only.
package store
