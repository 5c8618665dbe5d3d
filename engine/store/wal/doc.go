// Package wal is an append-only log of records in segment files of one
// directory, written with group commit: the appends that queue while one
// batch is written and synced go together in the next batch, under one
// fdatasync. It is meant as the durable part of an inbox: records are read
// back by position while the process runs, replayed in order when the log
// is opened, and whole segments are removed once the caller needs no
// record in them any more. ReadMany reads records that lie near each other
// with one read: a claim of messages appended together costs one syscall.
//
// Why not Badger: a message body written to Badger goes to its value log
// and its memtable's write-ahead log, synced by two msyncs, through the
// hops between Badger's goroutines; measured on the HTTP ingress benchmark
// (docs/benchmarks.md), a server that appends to one plain file with one
// fdatasync per batch acknowledges twice as many orders with a p99 a
// third as long.
//
// # Format
//
// A segment is named by its number, 16 hex digits and ".wal", numbers
// increasing. Each record is
//
//	length uint32 | CRC-32C of the payload uint32 | payload
//
// in little-endian order. A torn or corrupt record at the end of the last
// segment is what a crash in the middle of a write leaves: Open truncates
// the segment there. Anywhere else it is corruption, and Open fails.
//
// # Durability
//
// A durable Append returns once its records are synced (fdatasync of the
// segment; a new segment's directory entry is synced when it is created).
// A lazy Append returns once its records are written, so Read sees them,
// and they are synced with the next durable batch or within
// Options.LazySync, and at Close. Records are written in the order their
// Appends were queued, so a synced record implies every record before it
// is synced. A failed write or sync makes the log refuse every later write
// (after a failed fsync the state of the page cache is unknown).
//
// RemoveBelow syncs the active segment before it removes anything: a
// record in a later segment that supersedes one in a removed segment (an
// acknowledgment, a newer version) is durable before the record it
// supersedes is gone.
//
// Imports: the standard library only.
package wal
