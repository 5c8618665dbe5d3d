package memstore_test

import (
	"testing"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/memstore"
	"github.com/transload/transload/engine/store/storetest"
)

// TestConformance holds the in-memory store to the same semantics as the
// durable one.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return memstore.New(memstore.Options{InboxCapacity: storetest.Capacity})
	})
}
