// Package connectors holds the connectors that ship with Transload: the
// sources http (webhooks), file (a drop folder) and schedule (cron), and
// the sinks stdout, file (an outbox folder) and http (REST endpoints).
//
// Each type registers as a value (connector.SourceFactory or
// connector.SinkFactory: name, settings spec, constructor), and Register
// adds them all to a registry that cmd builds; nothing registers itself in
// init(). The settings specs (HTTPSourceSpec, FileSinkSpec, …) are also the
// generated documentation and the linter of flow files, so every setting
// has a doc and an example, and rules across settings are spec Checks that
// fail at load, never at the first message.
//
// # Decisions
//
// Lifecycle. Start never blocks and its ctx bounds Start only: work runs
// on goroutines the source owns until Close. Close is safe twice and
// without Start; it stops producing, lets a Submit in flight finish, and
// cancels it only when Close's own ctx ends.
//
// Acknowledgement. The http source answers 202 only after Ingress.Submit
// returned, that is after the message is on disk. A full inbox
// (*connector.BackpressureError) is answered 503 Service Unavailable with
// Retry-After in whole seconds, rounded up, at least 1. 503 rather than
// 429 because the sender did nothing wrong (429 says "you sent too many"),
// webhook senders such as Shopify retry 5xx with backoff, and the engine's
// own connector docs promise 503. Error answers are always JSON
// {"error": "...", "reason": "..."} with a stable reason code, and never
// echo a secret or a header.
//
// Verification happens on the raw body before anything parses it, with
// constant-time comparisons (hmac.Equal; API keys and bearer tokens are
// hashed first so the time does not depend on their length either). Every
// listed secret is tried, so two can be accepted during a rotation. A
// verification mode without a non-empty secret refuses everything with
// 401 and Start logs one warning: a missing env("SHOPIFY_WEBHOOK_SECRET")
// must not open the endpoint.
//
// Relative paths. The file source's dir, done_dir and failed_dir are
// relative to the flows folder (SourceParams.BaseDir), like every other
// path in a flow file. The file sink's dir is relative to the engine's
// data directory (SinkParams.DataDir, falling back to BaseDir when that is
// empty), because outputs are data, not configuration, and must not land
// in the folder the engine watches for flow edits.
//
// The file source claims a file by renaming it into <dir>/.processing
// (rename is atomic, so of two processes one wins and the other sees the
// file gone), frames it, submits its messages in batches of 256 (so the
// inbox's group commit pays off; a BackpressureError waits RetryAfter and
// resends the same batch, any other ingress failure backs off, and nothing
// is ever dropped) and moves it to done_dir, or to failed_dir with a
// <name>.error.txt when it cannot be read or framed (invalid UTF-8 in
// json or jsonl, a CSV syntax error: the error names the line). Message
// ids are "<file name>@<12 hex digits of the content's SHA-256>:<line>":
// stable when a file left in .processing by a crash is read again at the
// next start (its messages are then the same messages, and flows dedupe,
// so the re-read is harmless), yet different for a new file that reuses a
// name, such as a daily orders.csv. A file is taken once it has not
// changed for min(poll_interval, 1s); writers should still write to a
// .tmp or .part name (skipped, as are dotfiles and folders) and rename.
// JSON Lines and CSV files are read as streams, twice (the content hash
// and a check of every row, then the rows, one batch of 256 at a time),
// so their size is not bounded by memory; json, xml and x12 files are one
// message each and are read whole. fsnotify gives
// prompt pickup; polling every poll_interval is the fallback and the
// safety net (notifications are lost on some network file systems).
//
// The file sink writes documents atomically (temporary dotfile, fsync,
// rename, fsync of the folder) and in document mode treats an existing
// file for the key as delivered, which makes it an IdempotencyKey sink;
// append mode is IdempotencyNone. Both modes implement BatchSink, this
// package's optional batch interface (DeliverBatch: one fsync, or one
// folder sync, per batch), and concurrent appends share one fsync through
// a small group commit even when the engine calls Deliver one by one.
//
// The http sink classifies answers: 2xx success (a JSON body decoded with
// exact numbers into Response.Body; Ref from Location or the body's "id"),
// 408, 425, 429 and 5xx *connector.RetryableError with RetryAfter from
// Retry-After (delta-seconds or HTTP-date, rounded up to the second),
// everything else *connector.PermanentError with reason
// REJECTED_BY_TARGET, the status and the first 512 bytes of the answer.
// Network failures and timeouts are retryable; when the request certainly
// never reached the target (a DNS failure, a refused dial, a rejected TLS
// certificate, a failed token request) the error also wraps
// connector.ErrNotSent, so errors.Is tells the engine a retry cannot
// duplicate anything. Redirects are not followed (a redirected POST
// becomes a GET). OAuth2 (the client-credentials and refresh-token
// grants) is implemented with the standard library; tokens are cached
// until shortly before expires_in and fetched again once on a 401, and
// the request is then repeated once, within the same delivery attempt.
// Credentials never appear in logs or errors: URLs are shown without user
// info and query, and configured secrets (and the current access token)
// are cut out of quoted answers. An
// auth setting that is present but empty (env() of an unset variable)
// lets the flow load, as the http source's secrets do; the sink warns
// once and answers every delivery with a retryable error (wrapping
// ErrNotSent) until the variable is set, instead of sending requests
// bound to fail or dead-lettering documents that did nothing wrong. A
// failing token endpoint is retryable for the same reason.
//
// What the sales channels need is in the http sink's auth block too:
//
//   - auth "header" sends a secret in a header of its own, such as
//     Shopify's X-Shopify-Access-Token, with an optional prefix. It is
//     redacted and held back when empty like every other credential.
//   - auth "oauth2" takes grant_type = "refresh_token" with a
//     refresh_token (Login with Amazon's token endpoint issues SP-API
//     access tokens this way, client id and secret in the form with
//     client_auth = "post"), and sends the access token in token_header
//     with token_prefix: SP-API wants it alone in x-amz-access-token,
//     Walmart alone in WM_SEC.ACCESS_TOKEN. token_prefix defaults to
//     "Bearer " for Authorization and to nothing for any other header,
//     since a custom header that wants the word Bearer is the exception.
//   - token_headers go with the token request (Walmart's requires
//     WM_SVC.NAME and WM_QOS.CORRELATION_ID). A value's "{uuid}" is
//     replaced by a fresh random UUID on every token request, rather than
//     a setting naming the correlation header: a placeholder serves any
//     header and any vendor, and the static value stays readable in the
//     flow file. The API calls' own per-request headers are the headers
//     setting's expressions (meta.correlation_id, say).
//
// What the ERP APIs need is in the http sink itself, as settings, rather
// than in one connector per ERP: the ERPs differ in how they authenticate
// and find a document, not in how a document travels.
//
//   - auth "netsuite" is NetSuite token-based authentication: OAuth 1.0a
//     (RFC 5849) with HMAC-SHA256, the realm the account id upper-cased
//     with "-" as "_". Every request (deliveries, finds, CSRF fetches) is
//     signed over its method, its URL without the query and the sorted,
//     percent-encoded parameters (the query's and the protocol's; bodies
//     are JSON or XML, never form-encoded, so they are not signed), with
//     a fresh timestamp and a random 20-character nonce. A 401 is not
//     retried: the same credentials would be refused again.
//   - csrf = true is SAP Gateway's CSRF protection. The token is fetched
//     with a GET of url (a HEAD is not accepted by every Gateway release)
//     carrying "x-csrf-token: Fetch" and the sink's authentication, kept
//     per sink with the session cookies of the answer in a cookie jar of
//     the sink's own (only csrf sinks keep cookies), and sent with every
//     POST, PUT and PATCH. A 403 "x-csrf-token: Required" fetches a new
//     token once and repeats the request at once, within the same
//     delivery attempt; a second one is a rejection like any 403. A
//     failed fetch never sent the document, so its retryable errors wrap
//     ErrNotSent. Concurrent deliveries share one fetch, since each fetch
//     may open a new session.
//   - find_collection = true reads find_url's 200 answer as a query
//     result: an empty collection is "not found", the first element of a
//     non-empty one the document found. A top-level array, OData v4
//     "value", OData v2 "d"."results" and Oracle's (and NetSuite's
//     record list's) "items" are recognised; any other answer is a
//     permanent INVALID_SETTING error, since find_url then names the wrong
//     thing and no retry can help.
//   - format = "xml" takes XML text or a structured document, a map with
//     one key (the root element), encoded by stdlib/codec/xmldoc with the
//     sink's xml_namespace, xml_money and xml_unit. The file sink encodes
//     the same way with the same settings, so an outbox shows the bytes
//     an XML endpoint (Infor ION) would get. The import follows the layout
//     rule (stdlib may import stdlib); no encoder registry is needed for
//     one codec that both sinks share.
//
// # Imports
//
// builtin, engine/connector (whose ConfigSpec aliases dsl's, so this
// package does not import dsl, per the layout rule), stdlib/codec/xmldoc,
// the standard library, github.com/fsnotify/fsnotify,
// github.com/robfig/cron/v3 and github.com/zclconf/go-cty.
package connectors
