// Package edipartner is a complete setup for one X12 trading partner, a
// retailer that sends 850 purchase orders: the flows in flows/ answer each
// 850 with a 997 and an 855, book it as a canonical order, and send 856
// ship notices and 810 invoices back. It holds no Go code of its own; its
// tests run the flows through the transload CLI (see README.md):
//
//	go run ./cmd/transload test examples/edi-partner/flows
//	go test ./examples/edi-partner
package edipartner
