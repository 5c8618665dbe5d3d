// Package xmldoc is the XML codec of the engine: it decodes XML documents
// (Walmart Marketplace v2/v3 payloads, OAGIS BODs) into the native value
// model of package builtin, guided by the flow's schema, and encodes
// native documents as XML for targets that want it (Infor ION BODs).
//
// # The document
//
// An XML document decodes to a map with one key, the local name of its
// root element: <ns3:order>…</ns3:order> is {"order": {...}}. The schema
// of an XML flow therefore describes the document the way a JSON schema
// would describe {"order": {...}}: an object type with one field per root
// element it accepts, and a root element it does not name is a
// SCHEMA_MISMATCH. This keeps the root's name (a BOD's verb and noun, a
// Walmart order or list) and makes Walmart's XML and JSON responses
// decode to the same document: Walmart's JSON is a rendering of its XML
// schema, so one schema and one mapping serve both formats.
//
// Below the root, by the declared builtin.Type:
//
//   - Names are local names: namespace prefixes are dropped, so
//     <ns2:amount>, <ns3:amount> and <amount> are all "amount" (Walmart
//     changes its prefixes between API versions; what a prefix is bound to
//     never matters). Namespace declarations (xmlns, xmlns:p) and the XML
//     Schema instance attributes (xsi:type, xsi:schemaLocation) are not
//     data; xsi:nil="true" makes the element nil.
//   - An element is an object (map[string]any) when its type is an object
//     or a map: its attributes are the keys "@name", its child elements
//     the keys of their names, and its text, when there is text other than
//     white space, the key "#text" (mixed content: the text pieces
//     concatenated as they are). White space between child elements is
//     layout, not data.
//   - An element whose type is a list is ALWAYS a list, even when it
//     occurs once (the classic XML-to-JSON pitfall: an order with one
//     <orderLine> must not turn into an object where two make an array).
//     An element it declares as not a list that occurs twice is a
//     SCHEMA_MISMATCH, not silently the first or the last. Absent, a list
//     is absent, as a missing JSON key is.
//   - An element with only text is its value, typed by the schema: string
//     (the text exactly, white space kept), int (xsd:integer syntax,
//     64 bits), decimal (xsd:decimal: "124.98", "-10.02", ".5", "5.";
//     exactly, never through a float; no exponents, thousands separators
//     or decimal commas), double, bool (true, false, 1, 0), timestamp (RFC
//     3339, which is xsd:dateTime with a zone; INVALID_DATE otherwise),
//     duration (Go syntax), bytes (base64). Text of non-string types is
//     trimmed of white space, and an empty element of such a type is nil
//     (absence), as JSON null is.
//   - money ← <price currency="USD">12.30</price> (the currency attribute
//     may also be currencyID, as OAGIS writes it, or currencyCode) or
//     <price><amount>12.30</amount><currency>USD</currency></price>,
//     through builtin.NewMoney (INVALID_MONEY, UNKNOWN_CURRENCY); quantity
//     ← <qty uom="EA">2</qty> (or unitCode) or <qty><value>2</value><uom>EA</uom></qty>
//     (INVALID_QUANTITY).
//   - Attributes are strings unless the type declares the "@name" field
//     otherwise (then they are parsed like element text).
//   - What the type does not declare is kept, inferred, so a document
//     passes through unchanged: text only is a string, anything else a map
//     as above, and a repeated element a list (once is a single value:
//     declare what you read). dyn (builtin.AnyType) is inferred the same
//     way. Numbers are never inferred: XML text has no type.
//   - A required field that is missing or nil is SCHEMA_MISMATCH.
//
// # What is refused
//
//   - A DTD or any other <!…> declaration, and entities other than the
//     five predefined ones and character references: DTDs are how XML
//     external entity (XXE) and entity expansion (billion laughs) attacks
//     work, and no commerce payload needs one. INVALID_XML.
//   - Encodings other than UTF-8 (an encoding declaration naming another
//     is INVALID_XML), text or a second element after the root, text
//     before it, malformed XML of any kind (encoding/xml in strict mode).
//     A UTF-8 byte order mark is skipped; CRLF and CR line ends are read as
//     LF, as XML requires.
//   - Bodies larger than Options.MaxBytes (16 MiB by default) and elements
//     nested deeper than Options.MaxDepth (100): LIMIT_EXCEEDED.
//
// When a body is not well-formed XML, the error says so (INVALID_XML) even
// if a schema error occurs earlier in it.
//
// Errors are *Error values with a reason code, the path of the element
// ("order.orderLines.orderLine[0].charges.charge[1].chargeAmount.amount";
// the index counts the occurrences of list elements) and the line and
// column; they unwrap to *builtin.Error so builtin.ReasonOf reads the
// reason.
//
// # Decisions
//
//   - The tokenizer is encoding/xml's, in strict mode: well-formedness
//     checks (nesting, attribute syntax, character ranges, UTF-8) are the
//     standard library's.
//   - Decoding is not projected: the whole document is decoded whatever
//     the flow reads. XML payloads of this domain are small (a Walmart
//     order is 2 to 5 KB) and the tokenizer, not materialisation,
//     dominates their cost.
//   - Encode writes child elements in sorted key order, attributes too,
//     so equal documents encode to equal bytes; given the document's type
//     (EncodeOptions.Type), the children its type declares come first, in
//     the order it declares them. An XML schema (XSD) that prescribes an
//     element order (the OAGIS BODs Infor validates) is met by a type
//     whose fields are declared in the XSD's sequence order.
//   - Money encodes as its amount with the currency as an attribute
//     (currency by default, currencyID for OAGIS through EncodeOptions),
//     the form OAGIS AmountType uses, rather than two child elements: it
//     is one value, and the decoder reads both forms.
//
// Imports: builtin and the standard library only.
package xmldoc
