// Package storetest is the conformance suite of the store interfaces: every
// implementation of store.Store (the embedded Badger one, the JetStream one)
// runs it from its own tests and must pass it unchanged.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := mystore.Open(t.TempDir(), mystore.Options{InboxCapacity: storetest.Capacity})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Run covers the behaviour the interfaces document on one store; RunReopen
// covers durability: what a store wrote must be there after Close and Open
// on the same directory. The suite closes the stores it opens. Its subtests
// are sequential and some wait for real time to pass (NotBefore, TTL:
// fractions of a second). The leak check in Run compares goroutines before
// Open and after Close, so the calling test must not run stores in parallel
// with it.
//
// Imports: the standard library, engine/store and go.uber.org/goleak.
package storetest
