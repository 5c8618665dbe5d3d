// Package x12 reads ANSI ASC X12 interchanges from trading partners:
// it splits them into envelopes and segments, validates the envelope and the
// syntax of the purchase order family (850 purchase order, 855 purchase
// order acknowledgment, 856 ship notice, 810 invoice, 997 functional
// acknowledgment), and turns each transaction set into a document of native
// Go values that a flow maps like any other input, with a builtin.Type
// schema per set so that expressions are type-checked at load.
//
// Imports: the standard library and builtin only.
//
// # Reading
//
// Separators are always taken from the ISA, never assumed: the byte after
// "ISA" is the element separator, ISA11 the repetition separator from
// version 00402 on (before it ISA11 is the standards identifier "U"),
// ISA16 the component separator and the byte after ISA16 the segment
// terminator. The standard makes the ISA 106 bytes of fixed-width fields;
// field files pad with NBSP (two bytes in UTF-8) or shorten fields, so the
// ISA is read by counting its 16 element separators, and fixed widths are
// neither relied on nor enforced. ISA values are trimmed of spaces and NBSP.
//
// What real files do and the parser accepts:
//   - a UTF-8 byte order mark and white space before the ISA, and white
//     space (tabs, spaces, CR, LF) before any segment: indentation and line
//     breaks after terminators are layout, not data;
//   - a line break as the terminator (LF, CRLF, or CR): the CR of a CRLF is
//     dropped;
//   - an empty ISA16. "…*T*~" followed by a line break reads two ways: "~"
//     as ISA16 and line breaks as terminators, or ISA16 empty and "~" as
//     terminator. The next line decides: if it ends with "~", "~" is the
//     terminator and there is no component separator (Separators.Component
//     is 0). Without one, composites are not split: the whole element is
//     the first component (REF04_01);
//   - a segment whose terminator was forgotten, when the file has one
//     segment per line after a visible terminator ("~\n"): a line break
//     followed by something that looks like a segment start (an ID and an
//     element separator) ends the segment, with a warning. Files that wrap
//     segments at a fixed width ("wrapped" EDI) are not supported;
//   - a last segment without a terminator (a warning, except for line
//     terminators, where a missing final newline is normal);
//   - stray terminators (empty segments, skipped with a warning) and white
//     space, terminators or a DOS end-of-file byte between interchanges.
//
// Parse reads one interchange; ParseAll reads every interchange in the data.
// Both return what they could read together with every problem found.
// Only an ISA that cannot be read (no element separator, fewer than 16
// elements) is fatal.
//
// # Validation and results
//
// Interchange, Group and Set keep the envelope data a 997 needs (control
// numbers, versions, the functional identifier code, the segments) and
// their own Errors; an Error says where (segment index in the interchange,
// segment ID, element position, byte offset), why (Reason) and with which
// acknowledgment code (TA105, AK905, AK502, AK304 or AK403, see Error).
//
// The envelope is checked completely: ISA13 against IEA02, IEA01 against
// the number of groups, GS06 against GE02, GE01 against the sets of the
// group, ST02 against SE02, SE01 against the segments from ST to SE, ST02
// unique within its group, GS06 unique within the interchange, each known
// set in its functional group (850 under PO, …), and missing trailers.
// Control numbers and counts compare as numbers ("0049" is 49) when both
// are digits. These are ReasonEnvelope.
//
// The segments of the known sets are checked against a dictionary of X12
// 004010 (with the elements later releases append), for each segment the
// corpus uses: the number of elements, mandatory elements, the form of
// numeric (Nn, R), date and time values, the number of components of a
// composite, and the syntax notes (paired, required, conditional, list
// conditional, exclusion: PO106/PO107, PO405/PO406, …). Code values are not
// checked against code lists and lengths are not checked: partners break
// both more often than they break anything a mapping depends on, and the
// mapping validates what it uses. The structure is checked as far as the
// document depends on it: mandatory segments (BEG, BAK, BSN, BIG, TDS, HL,
// AK1, AK5, AK9), a segment that may occur once occurring twice in its loop,
// and in an 856 that HL01 is unique and HL02 names an earlier HL. Segment
// order inside a loop is not checked. Semantic totals (CTT01 against the
// number of lines, hash totals, TDS against the lines) are not checked:
// they are business rules for the flow's validate step, and the hash total
// of an 855 may count acknowledged quantities rather than ordered ones.
// These are ReasonSyntax.
//
// A set gets its Doc only when it has no error of its own. Errors of its
// group (GE01, GE02, a missing GE) or of the interchange (IEA01, IEA02,
// ISA fields) are reported on them, and by Parse, but do not take the
// documents away: X12 has the receiver reject the whole group or
// interchange then, and that decision (and the TA1 or 997 that says so) is
// the caller's, with Group.Err and Interchange.Err. A set outside any
// group, or cut off before its SE, is in error itself.
//
// Warnings (a repaired terminator, a segment the set does not define)
// reject nothing.
//
// # Documents
//
// A document is a map[string]any with only strings, []any and
// map[string]any inside, so that it is the same value in both expression
// dialects and in JSON:
//
//   - Envelope: "ISA" (ISA01…ISA16, trimmed), "GS" (GS01…GS08), "ST" and
//     "SE" objects, keyed like every segment.
//   - A segment is an object keyed by element reference: "BEG03" is the
//     third element of BEG. Empty elements are absent keys, never "", and
//     trailing empty elements are simply absent.
//   - A composite element is flattened into one key per component:
//     "REF04_01", "REF04_02", "MEA04_01". Empty components are absent too.
//     The flat keys keep "absent means empty" and are valid identifiers in
//     CEL and expr.
//   - Values are strings exactly as sent: numbers ("13045.94", "000001",
//     "-5"), implied-decimal amounts (SAC05 "19998", TDS01 "36596": two
//     implied decimals) and dates. The mapping converts them.
//   - Repeated elements are not split. None of the elements of the
//     segments described here repeats in 004010…005010, and 00406 files use
//     "-" as the repetition separator while sending ZIP+4 codes
//     ("31139-0020"): splitting on it would break data. The separator is
//     in Separators for callers that need it.
//   - A segment that may occur once in its place is an object (BEG, CUR,
//     CTT, the N4 of an N1 loop, the PO4 of a PO1 loop, LIN/SN1/PRF of an
//     HL); a repeatable segment is a list of objects (REF, DTM, PID, SAC,
//     TXI, MSG, …), even with one element.
//   - A loop is a list of objects keyed by segment ID, its first segment
//     included: "N1": [{"N1": {…}, "N3": [{…}], "N4": {…}}],
//     "PO1": [{"PO1": {…}, "PID": [{…}], "PO4": {…}, "SAC": [{…}]}].
//   - Only the loops a mapping navigates are loops: N9 and N1 (850, 855,
//     810, and N1 inside PO1, IT1 and HL), PO1 (850, 855), IT1 (810), HL
//     (856), AK2 and AK3 (997). The standard's smaller loops are flattened
//     into their enclosing loop as lists: the SAC loop (SAC with its CUR or
//     TXI: an 810 line's taxes are IT1[i].TXI, the summary's are TXI), the
//     PID loop (PID, MEA), SCH, ACK, CTT/AMT (CTT is an object, AMT a list).
//   - 856: the HL loops form one flat list in file order, each with its
//     "HL" object (HL01 id, HL02 parent id, HL03 level: S shipment, O order,
//     P pack, T tare, I item) and its segments. A mapping finds a level by
//     HL03 and its parents by HL02; the parser guarantees HL02 names an
//     earlier HL01.
//   - 810: "BIG", heading "N1" loops, "ITD" list, "IT1" loops with "PID",
//     "REF", "SAC", "TXI" and nested "N1" loops, then "TDS", "AMT", "SAC",
//     "TXI" and "CTT" at the top.
//   - A segment the set does not define (a Z segment, a segment of a newer
//     release) is kept, never dropped, in the innermost open loop under its
//     ID, as a list of objects keyed by position ("ZZ101"), with a warning.
//     The schema cannot name such IDs: a mapping reads them through dyn
//     (dyn(doc.PO1[0])["ZZ1"]). Segments the standard puts in a loop but the
//     dictionary does not describe element by element (NTE, TD4, SLN, …)
//     are declared in the schema as map(string, string) keyed the same way.
//   - A set of any other type (940, 846, …) is checked at the envelope level
//     only and becomes {"ISA", "GS", "ST", "SE", "segments": [{"id": "W05",
//     "W0501": …}, …]} with the segments between ST and SE in order.
//
// A purchase order (ST*850*0001~BEG*00*SA*PO-0001**20240101~N1*ST*SHIP
// TO~N3*1 MAIN ST~N4*CITY*OH*44139~PO1*1*10*EA*1.50**VP*ABC~PID*F****WIDGET~
// PO4*12*1*EA~CTT*1~SE*10*0001~) becomes, ISA and GS shortened:
//
//	{
//	  "ISA": {"ISA06": "SENDER", "ISA08": "RECEIVER", "ISA13": "000000001", …},
//	  "GS":  {"GS01": "PO", "GS06": "1", "GS08": "004010", …},
//	  "ST":  {"ST01": "850", "ST02": "0001"},
//	  "BEG": {"BEG01": "00", "BEG02": "SA", "BEG03": "PO-0001", "BEG05": "20240101"},
//	  "N1":  [{"N1": {"N101": "ST", "N102": "SHIP TO"},
//	           "N3": [{"N301": "1 MAIN ST"}],
//	           "N4": {"N401": "CITY", "N402": "OH", "N403": "44139"}}],
//	  "PO1": [{"PO1": {"PO101": "1", "PO102": "10", "PO103": "EA", "PO104": "1.50",
//	                   "PO106": "VP", "PO107": "ABC"},
//	           "PID": [{"PID01": "F", "PID05": "WIDGET"}],
//	           "PO4": {"PO401": "12", "PO402": "1", "PO403": "EA"}}],
//	  "CTT": {"CTT01": "1"},
//	  "SE":  {"SE01": "10", "SE02": "0001"}
//	}
//
// # Schemas
//
// Schema(id) returns the document type: "x12.850", "x12.855", "x12.856",
// "x12.810", "x12.997", and "x12.Generic" for other sets. Loops are
// "x12.850.N9Loop", "x12.850.N1Loop", "x12.850.PO1Loop" (likewise for 855),
// "x12.856.HLLoop", "x12.856.N1Loop", "x12.810.N1Loop", "x12.810.IT1Loop",
// "x12.997.AK2Loop", "x12.997.AK3Loop". Described segments are shared
// types named after the segment ("x12.PO1", "x12.ISA"), every field a
// string documented with the element's name and type; mandatory elements
// and segments are Required fields.
//
// # Writing
//
// Generate writes an interchange (OutInterchange: the ISA fields, groups
// of sets, each set its segments between ST and SE) with what X12
// computes: the fixed-width ISA fields padded with spaces, ISA09/ISA10
// and GS04/GS05 from one time, ISA11 "U" before version 00402 and the
// repetition separator from it on, SE01 counting ST and SE, GE01 the
// sets, IEA01 the groups, the trailers' control numbers. Trailing empty
// elements and components are not written. Control numbers are the
// caller's (the x12 sink takes them from durable counters). X12 has no
// escape character, so a value that holds a separator in use (or a line
// break) is a *GenerateError, never a silently broken segment; so are an
// ISA field too long for its width, a control number out of range, a
// known set in the wrong functional group. What Generate writes, Parse
// reads back to the same segments (a property and fuzz test checks it).
// SegmentsFromNative reads segments as mappings build them: [id,
// element, …] with composites as lists.
//
// Acknowledge describes, for each group of a parsed interchange, what a
// 997 must say (AK1 … AK9), from the errors and codes the parser
// recorded: the x12 mapping module writes the 997 from it.
//
// # Performance
//
// The input is converted to a string once; every element is a sub-string
// of it, and the element slices of all segments are cut from shared chunks,
// so tokenizing allocates per chunk, not per element. Terminators and
// separators are found with strings.IndexByte; there is no regexp. Short
// values (codes, qualifiers, units) are boxed into interfaces once per
// parse and shared. What remains is the document itself: a map per segment
// and loop, and an interface value per longer element.
//
// On the 2-core VM this was written on, loaded by other work, for 10 MB of
// 850s (BenchmarkParse850, about 10,000 sets): 12–31 MB/s (0.34–0.85 s,
// 2.05 million allocations, 300 MB allocated). BenchmarkReadBaseline, a
// bytes.Count of the terminators over the same bytes, runs at 32–61 GB/s:
// reading the bytes is free, nearly all the time is building and
// collecting the documents. BenchmarkJSONReference decodes the very same
// documents from JSON with encoding/json at 12–18 MB/s of X12 input, so a
// validated X12 set costs no more than the same document sent as JSON. A
// caller that needs only some fields of very large files would gain most
// from documents built lazily, or from a streaming call that hands over
// one set at a time; neither exists yet.
package x12
