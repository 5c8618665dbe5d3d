# Canonical documents into X12: 855 purchase order acknowledgments
# (x12.poa855), 856 ship notices (x12.asn856), 810 invoices
# (x12.invoice810), 997 functional acknowledgments (x12.ack997, with
# x12.ack850 for one received 850) and TA1 interchange acknowledgments
# (x12.ta1, with x12.interchange_accepted for the interchange of a
# received 850).
#
# Each mapping returns an x12.Outbound document: the functional group's
# code and the transaction sets as lists of segments, each segment a list
# [id, element, …] whose elements are strings or, for a composite, lists
# of strings. The x12 sink (stdlib/connectors/x12_sink.go) wraps them in
# ST/SE, GS/GE and ISA/IEA with durable control numbers and the counts.
# The conventions are written once in README.md ("Outbound documents").
#
# Flows that import this module declare, besides the two variables of the
# 850 mapping, x12_timezone (the zone of X12 dates and times) and
# x12_item_qualifier (the qualifier of a SKU when the partner's own item
# ids are not known); flows/edi_common.hcl declares both.
#
# cel.bind(name, value, body) names a value once; transformList(i, v, …)
# gives a list's index; flatten() joins a list of lists of segments.
#
# Why the work is split into small mappings: every expression's worst
# case is estimated at load against lists of a thousand items (the
# canonical model bounds none), and a call of another mapping counts as
# one step. Work per line (looking its order line up, its ids, its
# segments) is therefore a mapping of its own (x12.line_ack,
# x12.shipment_line, x12.asn_pack, x12.invoice_line, x12.ack_set), so
# that no expression nests more than two loops over input lists.

type "Outbound" {
  schema      = "outbound.schema.json"
  description = "An X12 functional group to send, as the x12 sink takes it: sets of segments, with optional sender, receiver, version and usage."
}

type "PoAckInput" {
  schema      = "po_ack_input.schema.json"
  description = "A canonical order to acknowledge (855), with the seller's status per line."
}

type "AsnInput" {
  schema      = "asn_input.schema.json"
  description = "A canonical shipment to announce (856), with the order it ships when known."
}

type "InvoiceInput" {
  schema      = "invoice_input.schema.json"
  description = "A canonical invoice to send (810), with the order it bills when known."
}

type "InterchangeAck" {
  schema      = "interchange_ack.schema.json"
  description = "What a TA1 says about one received interchange: its ISA, and whether its envelope was sound."
}

type "FunctionalAck" {
  schema      = "functional_ack.schema.json"
  description = "What a 997 says about one received functional group."
}

type "ItemRef" {
  schema      = "item_ref.schema.json"
  description = "A line's item as X12 identifies it: the SKU, the GTIN and the partner's qualified ids."
}

type "ShipmentLineInput" {
  schema      = "shipment_line_input.schema.json"
  description = "One shipped line, with the order it ships when known."
}

type "PackInput" {
  schema      = "pack_input.schema.json"
  description = "One carton of a shipment with its HL number, and the order it ships when known."
}

type "InvoiceLineInput" {
  schema      = "invoice_line_input.schema.json"
  description = "One invoiced line, with the order it bills when known."
}

type "LineAckInput" {
  schema      = "line_ack_input.schema.json"
  description = "One order line and the seller's acknowledgments of lines."
}

type "PartyInput" {
  schema      = "party_input.schema.json"
  description = "A party of an X12 document: its N101 role, its address and its code."
}

# The X12 unit of measure (code list 355) of a canonical unit (UN/ECE Rec
# 20): CS is CA, YRD is YD, LBR is LB, KGM is KG, FTK is SF, GLL is GA …;
# codes that are the same in both lists (EA, BX, PK, KT, PR) pass as they
# are. An 850 line in UN or PC comes back as EA: uom() made it EA, and EA
# is what X12 calls an each.
mapping "unit" {
  input = "string"
  value = <<-CEL
    {
      'CS': 'CA', 'YRD': 'YD', 'LBR': 'LB', 'KGM': 'KG', 'GRM': 'GR', 'ONZ': 'OZ',
      'FTK': 'SF', 'FOT': 'FT', 'INH': 'IN', 'MTR': 'MR', 'LTR': 'LT', 'GLL': 'GA',
      'DZN': 'DZ', 'C62': 'EA', 'H87': 'EA', 'PF': 'PL', 'RO': 'RL'
    }[?input].orValue(input)
  CEL
}

# An amount with two implied decimals (X12 type N2, as TDS01 and SAC05
# are; TXI02 and the unit prices are type R, written as decimals): 365.96
# is "36596", 5 JPY is "500". An amount with more than two decimals (a
# KWD amount to the fils) fails with INVALID_MONEY: it is never rounded.
mapping "n2" {
  input = "money"
  value = <<-CEL
    cel.bind(x, input.amount * 100,
      require(format_decimal(round(x, 0)), round(x, 0) == x, 'INVALID_MONEY',
        'X12 amounts with implied decimals carry two decimals; ' + format_money(input) + ' has more'))
  CEL
}

# A date (CCYYMMDD) and a time (HHMM) in the agreement's zone
# (vars.x12_timezone): X12 dates carry no zone.
mapping "date" {
  input = "timestamp"
  value = "format_x12_date(input, vars.x12_timezone)"
}

mapping "time" {
  input = "timestamp"
  value = "format_x12_time(input, vars.x12_timezone)"
}

# A calendar date (CCYYMMDD) as it was given: invoice, due and scheduled
# ship dates. ERPs send these as dates, which the canonical model holds as
# midnight UTC; read in the agreement's zone they would fall on the day
# before west of Greenwich.
mapping "day" {
  input = "timestamp"
  value = "format_x12_date(input, 'UTC')"
}

# Free text for X12 (names, addresses, descriptions): transliterated to
# ASCII (é is e), line breaks and runs of spaces collapsed. Ids are never
# changed this way: an id with a separator in it fails in the sink.
mapping "text" {
  input = "string"
  value = "normalize_space(ascii(input))"
}

# The partner's ids of a line as product/service id pairs, flattened
# ["VN", "AB3542", "CB", "065322-117"], at most ten pairs (what PO1, IT1
# and LIN hold): the qualifiers the 850 sent, kept by x12.po850 in the
# line's references (VP, BP, VN, SK, IN, CB, UP, EN, UK first, in that
# order, then the others sorted; price_basis and other keys that are not
# two-letter qualifiers are not ids), or the shipment's or invoice's line's
# own references when it has them. A line without them (an order from
# another channel, or a shipment whose order is not known) is identified
# by its SKU under vars.x12_item_qualifier (VN, the vendor's item number,
# by default) and by its GTIN: UP for 12 digits, EN for 13 (or 8), UK for
# 14.
mapping "item_ids" {
  input = "x12.ItemRef"
  value = <<-CEL
    cel.bind(refs, input.?references.orValue({}),
    cel.bind(quals, refs.filter(k, size(k) == 2 && k.matches('^[A-Z0-9]{2}$')),
    cel.bind(pairs, size(quals) > 0
      ? ['VP', 'BP', 'VN', 'SK', 'IN', 'CB', 'UP', 'EN', 'UK'].filter(q, q in quals).map(q, [q, refs[q]])
        + quals.filter(q, !(q in ['VP', 'BP', 'VN', 'SK', 'IN', 'CB', 'UP', 'EN', 'UK'])).sort().map(q, [q, refs[q]])
      : [[vars.x12_item_qualifier, input.sku]]
        + (has(input.gtin) && input.gtin.matches('^[0-9]{8}$|^[0-9]{12,14}$')
            ? [[size(input.gtin) == 12 ? 'UP' : size(input.gtin) == 14 ? 'UK' : 'EN', input.gtin]]
            : []),
      (size(pairs) > 10 ? pairs.slice(0, 10) : pairs).flatten())))
  CEL
}

# One party as its N1 loop: N1 (N101 the role, N102 the company, else the
# person's name, else the first street line; N103/N104 the party's code
# when given as "qualifier:id", as x12.po850 keeps x12_ship_to_id), N3
# with up to two street lines (a second N3 for line3), and N4 with city,
# region, postal code and country. Text goes through x12.text.
mapping "n1_loop" {
  input = "x12.PartyInput"
  value = <<-CEL
    cel.bind(a, input.?address,
    cel.bind(code, input.?code.orValue(''),
    [[
      'N1', input.role,
      a.hasValue() ? x12.text(a.value().?company.or(a.value().?name).or(a.value().?line1).orValue('')) : '',
      code.contains(':') ? split(code, ':')[0] : code != '' ? '92' : '',
      code.contains(':') ? substr(code, size(split(code, ':')[0]) + 1, size(code) - size(split(code, ':')[0]) - 1) : code
    ]]
    + (a.hasValue() && has(a.value().line1)
        ? [['N3', x12.text(a.value().line1), x12.text(a.value().?line2.orValue(''))]]
          + (has(a.value().line3) ? [['N3', x12.text(a.value().line3)]] : [])
        : [])
    + (a.hasValue()
        ? [['N4', x12.text(a.value().?city.orValue('')), a.value().?region.orValue(''), a.value().?postal_code.orValue(''), a.value().country]]
        : [])
    ))
  CEL
}

# REF segments from a document's references named x12_ref_<qualifier>:
# {"x12_ref_BM": "BOL-77"} is REF*BM*BOL-77. This is how a flow (or the
# ERP mapping that made the shipment or invoice) adds a bill of lading, a
# vendor order number or any other reference the partner asks for.
mapping "refs" {
  input = "any"
  value = "input.filter(k, k.startsWith('x12_ref_') && size(k) > 8).sort().map(k, ['REF', substr(k, 8, size(k) - 8), input[k]])"
}

# Where a reply to a partner's document goes: the partner sent the order
# (x12.po850 kept the interchange's sender, receiver and qualifiers, the
# group's sender GS02, the version and the usage indicator in the order's
# references), so the reply's receiver is that sender and its sender the
# receiver. An order from any other channel has none of these: the sink's
# settings apply.
mapping "reply_from" {
  input  = "commerce.Order"
  output = "x12.Outbound.Party"
  fields = {
    qualifier = "input.?references.?x12_receiver_qualifier"
    id        = "input.?references.?x12_receiver"
  }
}

mapping "reply_to" {
  input  = "commerce.Order"
  output = "x12.Outbound.Party"
  fields = {
    qualifier = "input.?references.?x12_sender_qualifier"
    id        = "input.?references.?x12_sender"
    code      = "input.?customer.?references.?x12_gs_sender"
  }
}

# The segments of one line item's ids and quantity: a PO1 (855) or an IT1
# (810) is [id, line number, quantity, unit, unit price, basis of unit
# price, id pairs …]. The basis (PO105/IT105) is the one the partner sent
# (references.price_basis), else none.
mapping "baseline" {
  input = "commerce.OrderLine"
  value = <<-CEL
    [
      input.line_id,
      format_decimal(input.quantity.value),
      x12.unit(input.quantity.uom),
      format_decimal(input.unit_price.amount),
      input.?references.?price_basis.orValue('')
    ] + x12.item_ids({'sku': input.sku, ?'gtin': input.?gtin, ?'references': input.?references})
  CEL
}

# A quantity as X12 writes it: [value, unit], the unit through x12.unit.
mapping "quantity" {
  input = "quantity"
  value = "[format_decimal(input.value), x12.unit(input.uom)]"
}

# The seller's word on one order line as X12 writes it, {status,
# quantity: [value, unit], ship_date}: the entry of input.acks with the
# line's line_id, else IA with the ordered quantity when the line is open
# and IR with 0 when it is cancelled. A listed line without a quantity
# keeps the ordered one, except IR (rejected) and ID (deleted), which are
# 0.
mapping "line_ack" {
  input = "x12.LineAckInput"
  value = <<-CEL
    cel.bind(l, input.line,
    cel.bind(given, input.?acks.orValue([]).filter(a, a.line_id == l.line_id),
    cel.bind(status, size(given) > 0 ? string(given[0].status) : (l.status == 'open' ? 'IA' : 'IR'),
    {
      'status': status,
      'quantity': size(given) > 0 && has(given[0].quantity) ? x12.quantity(given[0].quantity)
        : status in ['IR', 'ID'] ? ['0', x12.unit(l.quantity.uom)]
        : x12.quantity(l.quantity),
      'ship_date': size(given) > 0 && has(given[0].ship_date) ? x12.day(given[0].ship_date) : ''
    })))
  CEL
}

# An 855 purchase order acknowledgment for a canonical order.
#   - BAK: purpose 00 (original), the acknowledgment type (input.type, or
#     AD when every line is accepted as ordered, RD when every line is
#     rejected, AC otherwise), the PO number (po_number, else
#     order_number, else id), the PO date (placed_at), the seller's order
#     number (input.reference) in BAK08 and the acknowledgment date
#     (input.date) in BAK09.
#   - CUR SE with the order's currency; N1 ST with the ship-to address and
#     the partner's ship-to code.
#   - One PO1 loop per order line: PO1 as the partner sent it (line
#     number, quantity, unit, price, basis, the partner's item ids), PID
#     with the description, ACK with the line's status and quantity
#     (x12.line_ack); a ship date adds ACK04 068 (current schedule ship)
#     and ACK05.
#   - CTT: the number of PO1 loops and the sum of their quantities.
#   - Addressed to the partner that sent the order (x12.reply_to), in its
#     version and usage (test orders get test acknowledgments).
mapping "poa855" {
  input  = "x12.PoAckInput"
  output = "x12.Outbound"
  fields = {
    functional_id = "'PR'"
    version       = "input.order.?references.?x12_version"
    usage         = "input.order.?references.?x12_usage"
    sender        = "x12.reply_from(input.order)"
    receiver      = "x12.reply_to(input.order)"
    sets          = <<-CEL
      cel.bind(o, input.order,
      cel.bind(acks, o.lines.map(l, x12.line_ack({'line': l, ?'acks': input.?lines})),
      [{
        'type': '855',
        'segments':
          [[
            'BAK', '00',
            input.?type.orValue(
              acks.all(a, a.status == 'IA') ? 'AD' : acks.all(a, a.status == 'IR') ? 'RD' : 'AC'),
            o.?po_number.or(o.?order_number).orValue(o.id),
            x12.date(o.placed_at),
            '', '', '',
            input.?reference.orValue(''),
            has(input.date) ? x12.date(input.date) : ''
          ],
          ['CUR', 'SE', o.currency]]
          + (has(o.ship_to)
              ? x12.n1_loop({'role': 'ST', 'address': o.ship_to, ?'code': o.?references.?x12_ship_to_id})
              : [])
          + o.lines.transformList(i, l, cel.bind(a, acks[i],
              [['PO1'] + x12.baseline(l)]
              + (has(l.description) ? [['PID', 'F', '', '', '', truncate(x12.text(l.description), 80)]] : [])
              + [['ACK', a.status] + a.quantity + (a.ship_date != '' ? ['068', a.ship_date] : [])]
            )).flatten()
          + [['CTT', string(size(o.lines)), format_decimal(sum_decimal(o.lines.map(l, l.quantity.value)))]]
      }]))
    CEL
  }
}

# The LIN and SN1 of one shipped line: LIN01 and SN101 the line number
# (the PO101 the partner sent), the partner's item ids (x12.item_ids:
# those of the order line with the same line_id when the order is known),
# SN102/SN103 the quantity shipped and its unit.
mapping "shipment_line" {
  input = "x12.ShipmentLineInput"
  value = <<-CEL
    cel.bind(l, input.line,
    cel.bind(ol, has(input.order) && has(l.line_id) ? input.order.lines.filter(x, x.line_id == l.line_id) : [],
    [
      ['LIN', l.?line_id.orValue('')] + x12.item_ids({'sku': l.sku, ?'gtin': l.?gtin.or(ol[?0].?gtin), ?'references': l.?references.or(ol[?0].?references)}),
      ['SN1', l.?line_id.orValue(''), format_decimal(l.quantity.value), x12.unit(l.quantity.uom)]
    ]))
  CEL
}

# One carton of an 856 and its contents: HL P (its number given, under the
# order's HL 2), TD1 with its weight, MAN GM with its label when it is an
# SSCC-18 (18 digits, or 20 with the 00 application identifier) and MAN
# ZZ otherwise, REF CN with its tracking number; then HL I per line of the
# carton, numbered on from the carton's, with x12.shipment_line.
mapping "asn_pack" {
  input = "x12.PackInput"
  value = <<-CEL
    cel.bind(c, input.carton,
    cel.bind(p, input.hl,
      [['HL', string(p), '2', 'P']]
      + (has(c.weight) ? [['TD1', 'CTN', '1', '', '', '', 'G', format_decimal(c.weight.value), x12.unit(c.weight.uom)]] : [])
      + (has(c.id) ? [['MAN', c.id.matches('^[0-9]{18}$|^00[0-9]{18}$') ? 'GM' : 'ZZ', c.id]] : [])
      + (has(c.tracking) ? [['REF', 'CN', c.tracking]] : [])
      + c.lines.transformList(j, l,
          [['HL', string(p + 1 + j), string(p), 'I']] + x12.shipment_line({'line': l, ?'order': input.?order})
        ).flatten()))
  CEL
}

# An 856 ship notice for a canonical shipment.
#   - BSN: purpose 00, the shipment id, the date and time of the notice
#     (input.date, else shipped_at; without either NULL_REQUIRED_FIELD),
#     and the hierarchy: 0001 (shipment, order, pack, item) when the
#     shipment has cartons, 0004 (shipment, order, item) when it has none.
#     DTM 011 (shipped) with shipped_at.
#   - HL 1 shipment: TD1 with the number of cartons (CTN) and their gross
#     weight when every carton has one in the same unit; TD5 with the
#     carrier (TD502 2 and TD503 when it is a SCAC, two to four capital
#     letters) and the service as the routing (TD505); REF CN for each
#     tracking number, REF <qualifier> for each x12_ref_<qualifier>
#     reference (a bill of lading: x12_ref_BM); N1 SF (ship from) and N1 ST
#     (ship to, with the partner's ship-to code when the order is known).
#   - HL 2 order: PRF with the PO number (the order's po_number, else its
#     order_number or id, else the shipment's order_id; without any,
#     NULL_REQUIRED_FIELD) and the PO date when the order is known.
#   - With cartons, x12.asn_pack per carton (HL P, then HL I per line of
#     the carton); without, HL I per line of the shipment under the
#     order. HL numbers run 1, 2, 3 … in file order (x12.asn_plan).
#   - HL I: x12.shipment_line (LIN and SN1).
#   - CTT: the number of HL segments and the sum of the SN1 quantities.
#   - Addressed to the partner that sent the order when the order is
#     known, else to the sink's partner.
mapping "asn856" {
  input  = "x12.AsnInput"
  output = "x12.Outbound"
  fields = {
    functional_id = "'SH'"
    version       = "has(input.order) ? input.order.?references.?x12_version : optional.none()"
    usage         = "has(input.order) ? input.order.?references.?x12_usage : optional.none()"
    sender        = "has(input.order) ? optional.of(x12.reply_from(input.order)) : optional.none()"
    receiver      = "has(input.order) ? optional.of(x12.reply_to(input.order)) : optional.none()"
    sets          = <<-CEL
      cel.bind(s, input.shipment,
      cel.bind(when, require(input.?date.or(s.?shipped_at).orValue(timestamp('1970-01-01T00:00:00Z')),
        input.?date.or(s.?shipped_at).hasValue(), 'NULL_REQUIRED_FIELD',
        'the ship notice needs a date (BSN03): the shipment has no shipped_at'),
      cel.bind(po, has(input.order)
        ? input.order.?po_number.or(input.order.?order_number).orValue(input.order.id)
        : require(s.?order_id.orValue(''), has(s.order_id), 'NULL_REQUIRED_FIELD',
            'the ship notice needs the PO number (PRF01): give the order, or the order_id of the shipment'),
      cel.bind(cartons, s.?cartons.orValue([]),
      cel.bind(plan, x12.asn_plan(input),
      [{
        'type': '856',
        'segments':
          [['BSN', '00', s.id, x12.date(when), x12.time(when), size(cartons) > 0 ? '0001' : '0004']]
          + (has(s.shipped_at) ? [['DTM', '011', x12.date(s.shipped_at), x12.time(s.shipped_at)]] : [])
          + [['HL', '1', '', 'S']]
          + (size(cartons) > 0
              ? [['TD1', 'CTN', string(size(cartons))]
                  + (cartons.all(c, has(c.weight) && c.weight.uom == cartons[0].weight.uom)
                      ? ['', '', '', 'G', format_decimal(sum_decimal(cartons.map(c, c.weight.value))), x12.unit(cartons[0].weight.uom)]
                      : [])]
              : [])
          + (has(s.carrier) && s.carrier.matches('^[A-Z]{2,4}$')
              ? [['TD5', '', '2', s.carrier, '', x12.text(s.?service.orValue(s.carrier))]]
              : has(s.carrier) || has(s.service)
                ? [['TD5', '', '', '', '', x12.text(join([s.?carrier.orValue(''), s.?service.orValue('')].filter(x, x != ''), ' '))]]
                : [])
          + s.?tracking.orValue([]).map(t, ['REF', 'CN', t.number])
          + x12.refs(s.?references.orValue({}))
          + (has(s.ship_from) ? x12.n1_loop({'role': 'SF', 'address': s.ship_from}) : [])
          + (has(s.ship_to)
              ? x12.n1_loop({'role': 'ST', 'address': s.ship_to, ?'code': has(input.order) ? input.order.?references.?x12_ship_to_id : optional.none()})
              : [])
          + [['HL', '2', '1', 'O'], ['PRF', po, '', '', has(input.order) ? x12.date(input.order.placed_at) : '']]
          + (size(cartons) > 0
              ? cartons.transformList(k, c, x12.asn_pack({'carton': c, 'hl': plan.packs[k], ?'order': input.?order})).flatten()
              : s.lines.transformList(j, l,
                  [['HL', string(3 + j), '2', 'I']] + x12.shipment_line({'line': l, ?'order': input.?order})
                ).flatten())
          + [['CTT', string(plan.hl_count), plan.hash]]
      }])))))
    CEL
  }
}

# The X12 tax type code (TXI01, code list 963) of a canonical tax title: a
# two-letter code as x12.po850 keeps it (ST, CT, FD …) stays; VAT is VA,
# GST and HST are GS, a title that names a state, county or city tax is
# ST, CT or CI; any other tax is TX (all taxes).
mapping "tax_type" {
  input = "string"
  value = <<-CEL
    cel.bind(t, upper(trim(input)),
      t.matches('^[A-Z]{2}$') ? t
      : t.contains('VAT') ? 'VA'
      : t.contains('GST') || t.contains('HST') ? 'GS'
      : t.contains('STATE') ? 'ST'
      : t.contains('COUNTY') ? 'CT'
      : t.contains('CITY') ? 'CI'
      : 'TX')
  CEL
}

# One IT1 loop of an 810: IT1 (line number, quantity, unit, unit price,
# the basis of unit price and the partner's item ids of the order line
# with the same line_id, as x12.item_ids says), PID with the description,
# SAC A C310 (discount) with the line's discount, two implied decimals.
mapping "invoice_line" {
  input = "x12.InvoiceLineInput"
  value = <<-CEL
    cel.bind(l, input.line,
    cel.bind(ol, has(input.order) ? input.order.lines.filter(x, x.line_id == l.line_id) : [],
      [['IT1', l.line_id, format_decimal(l.quantity.value), x12.unit(l.quantity.uom), format_decimal(l.unit_price.amount),
          l.?references.or(ol[?0].?references).?price_basis.orValue('')]
        + x12.item_ids({'sku': l.sku, ?'gtin': ol[?0].?gtin, ?'references': l.?references.or(ol[?0].?references)})]
      + (has(l.description) ? [['PID', 'F', '', '', '', truncate(x12.text(l.description), 80)]] : [])
      + (has(l.discount) && !is_zero(l.discount) ? [['SAC', 'A', 'C310', '', '', x12.n2(l.discount)]] : [])))
  CEL
}

# An 810 invoice for a canonical invoice.
#   - BIG: the invoice date, the invoice number, the PO date (when the
#     order is known) and the PO number (the invoice's po_number, else the
#     order's). CUR SE with the currency. REF <qualifier> for each
#     x12_ref_<qualifier> reference (REF VN, the seller's order number:
#     x12_ref_VN). N1 BT and N1 ST with the addresses and, when the order
#     is known, the partner's party codes. ITD with the net due date
#     (ITD06) and the terms as text (ITD12).
#   - x12.invoice_line per line (IT1, PID, SAC for the line's discount).
#   - TDS01: the grand total (the amount due), two implied decimals.
#   - TXI per tax of invoice.taxes (x12.tax_type, the amount, the rate as a
#     percent, the jurisdiction under VD), or one TXI TX with totals.tax
#     when the invoice lists no taxes. Taxes are stated once, at the
#     summary: a TXI in each IT1 as well would count them twice.
#   - SAC C D240 (freight) with totals.shipping; SAC A C310 with the
#     discount no line carries (totals.discount less the lines' discounts).
#     So Σ IT1 quantity × price − allowances + charges + taxes = TDS01,
#     as the canonical totals reconcile.
#   - CTT: the number of IT1 loops and the sum of their quantities.
#   - Addressed to the partner that sent the order when the order is
#     known, else to the sink's partner.
mapping "invoice810" {
  input  = "x12.InvoiceInput"
  output = "x12.Outbound"
  fields = {
    functional_id = "'IN'"
    version       = "has(input.order) ? input.order.?references.?x12_version : optional.none()"
    usage         = "has(input.order) ? input.order.?references.?x12_usage : optional.none()"
    sender        = "has(input.order) ? optional.of(x12.reply_from(input.order)) : optional.none()"
    receiver      = "has(input.order) ? optional.of(x12.reply_to(input.order)) : optional.none()"
    sets          = <<-CEL
      cel.bind(v, input.invoice,
      cel.bind(o, input.?order,
      cel.bind(header_discount, v.totals.discount - sum_money(v.lines.filter(l, has(l.discount)).map(l, l.discount), v.currency),
      [{
        'type': '810',
        'segments':
          [[
            'BIG', x12.day(v.invoice_date), v.id,
            o.hasValue() ? x12.date(o.value().placed_at) : '',
            v.?po_number.or(o.?po_number).orValue('')
          ],
          ['CUR', 'SE', v.currency]]
          + x12.refs(v.?references.orValue({}))
          + (has(v.bill_to) ? x12.n1_loop({'role': 'BT', 'address': v.bill_to, ?'code': o.?references.?x12_bill_to_id}) : [])
          + (has(v.ship_to) ? x12.n1_loop({'role': 'ST', 'address': v.ship_to, ?'code': o.?references.?x12_ship_to_id}) : [])
          + (has(v.terms) || has(v.due_date)
              ? [['ITD', '', '', '', '', '', has(v.due_date) ? x12.day(v.due_date) : '', '', '', '', '', '',
                  has(v.terms) ? truncate(x12.text(v.terms), 80) : '']]
              : [])
          + v.lines.map(l, x12.invoice_line({'line': l, ?'order': input.?order})).flatten()
          + [['TDS', x12.n2(v.totals.grand_total)]]
          + (has(v.taxes) && size(v.taxes) > 0
              ? v.taxes.map(t, ['TXI', x12.tax_type(t.title), format_decimal(t.amount.amount),
                  has(t.rate) ? format_decimal(t.rate * 100) : '',
                  has(t.jurisdiction) ? 'VD' : '', t.?jurisdiction.orValue('')])
              : !is_zero(v.totals.tax) ? [['TXI', 'TX', format_decimal(v.totals.tax.amount)]] : [])
          + (!is_zero(v.totals.shipping) ? [['SAC', 'C', 'D240', '', '', x12.n2(v.totals.shipping)]] : [])
          + (header_discount.amount > 0 ? [['SAC', 'A', 'C310', '', '', x12.n2(header_discount)]] : [])
          + [['CTT', string(size(v.lines)), format_decimal(sum_decimal(v.lines.map(l, l.quantity.value)))]]
      }])))
    CEL
  }
}

# The AK2 … AK5 of one received set: AK2 (its ST01 and ST02); for a
# rejected set, AK3 per segment in error (ID, position from the ST, loop,
# AK304 code) with AK4 per element in error (position, with the component
# in a composite; the reference number; the AK403 code; a copy of the bad
# value); AK5 with the set's code (A, E or R) and up to five AK502 codes.
mapping "ack_set" {
  input = "x12.FunctionalAck.SetAck"
  value = <<-CEL
    [['AK2', input.id, input.control]]
    + (has(input.segments) ? input.segments.map(g,
        [['AK3', g.id, g.position, g.?loop.orValue(''), g.?code.orValue('')]]
        + (has(g.elements) ? g.elements.map(e, [
            'AK4',
            has(e.component) ? [e.position, e.component] : [e.position],
            e.?reference.orValue(''), e.code, e.?data.orValue('')
          ]) : [])
      ).flatten() : [])
    + [['AK5', input.code] + (has(input.errors) ? input.errors : [])]
  CEL
}

# A 997 functional acknowledgment for one received functional group (an
# x12.FunctionalAck: the x12 codec's Acknowledge makes one per group of a
# parsed interchange, x12.ack850 one for an accepted 850).
#   - AK1: the group's functional identifier and control number, and its
#     version (AK103) from 005010 on.
#   - x12.ack_set per set (AK2, AK3/AK4 for the errors, AK5).
#   - AK9: R when the group's or interchange's envelope is in error or no
#     set was accepted, A when every set was accepted, E when every set was
#     accepted and some with errors, P otherwise; the number of sets
#     included (GE01), received and accepted; up to five AK905 codes.
#   - Addressed back to the sender of the interchange, in its version and
#     usage (a test interchange gets a test acknowledgment).
mapping "ack997" {
  input  = "x12.FunctionalAck"
  output = "x12.Outbound"
  fields = {
    functional_id = "'FA'"
    version       = "input.?version"
    usage         = "input.?interchange.?usage"
    sender        = "{?'qualifier': input.?interchange.?receiver_qualifier, ?'id': input.?interchange.?receiver, ?'code': input.?group_receiver}"
    receiver      = "{?'qualifier': input.?interchange.?sender_qualifier, ?'id': input.?interchange.?sender, ?'code': input.?group_sender}"
    sets          = <<-CEL
      cel.bind(received, size(input.sets),
      cel.bind(accepted, size(input.sets.filter(s, s.code in ['A', 'E'])),
      [{
        'type': '997',
        'segments':
          [['AK1', input.functional_id, input.group_control]
            + (input.?version.orValue('') >= '005' ? [input.version] : [])]
          + input.sets.map(s, x12.ack_set(s)).flatten()
          + [[
              'AK9',
              input.?rejected.orValue(false) || accepted == 0 ? 'R'
                : accepted == received && input.sets.all(s, s.code == 'A') ? 'A'
                : accepted == received ? 'E'
                : 'P',
              input.?sets_included.orValue(string(received)), string(received), string(accepted)
            ] + input.?group_errors.orValue([])]
      }]))
    CEL
  }
}

# The acknowledgment of one accepted 850 (the set parsed without error):
# its group (GS01, GS06, GS08, GS02, GS03), its interchange (the sender
# the 997 goes back to, the usage) and the set, accepted. The x12 codec
# hands a flow only the sets it accepts, one at a time, so the group's
# other sets and its GE01 are not known here: sets_included is left out
# and AK902 counts this set.
mapping "ack850" {
  input  = "x12.850"
  output = "x12.FunctionalAck"
  fields = {
    functional_id  = "input.GS.GS01"
    group_control  = "input.GS.GS06"
    version        = "input.GS.?GS08"
    group_sender   = "input.GS.?GS02"
    group_receiver = "input.GS.?GS03"
    interchange    = "x12.interchange_accepted(input)"
    sets           = "[{'id': input.ST.ST01, 'control': input.ST.ST02, 'code': 'A'}]"
  }
}

# A TA1 interchange acknowledgment for one received interchange (an
# x12.InterchangeAck: the codec's AcknowledgeInterchange describes each
# parsed interchange, x12.interchange_accepted the interchange of an
# accepted 850). It answers the envelope only (TA104 A or R, TA105 the
# note code); the groups and sets get 997s. The interchange it travels in
# has no functional group, and goes back to the sender in its ISA12
# version and its usage.
mapping "ta1" {
  input  = "x12.InterchangeAck"
  output = "x12.Outbound"
  fields = {
    version          = "input.?version"
    usage            = "input.?usage"
    sender           = "{'qualifier': input.receiver_qualifier, 'id': input.receiver}"
    receiver         = "{'qualifier': input.sender_qualifier, 'id': input.sender}"
    interchange_acks = <<-CEL
      [{'control': input.control, 'date': input.date, 'time': input.time,
        'status': input.status, 'note': input.note}]
    CEL
  }
}

# The interchange of an accepted 850, as a TA1 acknowledges it: the x12
# codec hands a flow only sets whose interchange envelope is sound, so the
# status is A (000).
mapping "interchange_accepted" {
  input  = "x12.850"
  output = "x12.InterchangeAck"
  fields = {
    sender_qualifier   = "input.ISA.ISA05"
    sender             = "input.ISA.ISA06"
    receiver_qualifier = "input.ISA.ISA07"
    receiver           = "input.ISA.ISA08"
    control            = "input.ISA.ISA13"
    date               = "input.ISA.ISA09"
    time               = "input.ISA.ISA10"
    version            = "input.ISA.?ISA12"
    usage              = "input.ISA.?ISA15"
    ack_requested      = "input.ISA.?ISA14.orValue('0') == '1'"
    status             = "'A'"
    note               = "'000'"
  }
}
