// Package shopifynetsuite is an example setup, not a library: the flows in
// flows/ take Shopify orders (the orders/create webhook, or JSON files in a
// drop folder) and book them in NetSuite as sales orders through the REST
// record API, upserted by external ID, with the shipped shopify and
// netsuite mapping modules. See README.md.
//
// The package holds only its test, which runs the stock transload CLI
// (cli.Main) on the flows: their flow tests, validate, and run --once
// against a fake NetSuite on loopback.
package shopifynetsuite
