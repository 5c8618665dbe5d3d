# X12 850 purchase orders from trading partners into canonical orders.
#
# Each transaction set of an interchange is one document (the x12 codec
# splits them), with its envelope: input.ISA, input.GS and input.ST. The
# conventions are written once in README.md next to this file; each
# mapping's comment says what it reads.
#
# Flows that import this module declare two variables, the trading partner
# agreement's defaults for what an 850 may leave out (flows/edi_inbound.hcl
# declares them):
#   x12_default_currency  the currency of an 850 without a CUR segment
#   x12_default_country   the country of an N4 without N404
#
# CEL has no let: "[expr].map(name, body)[0]" evaluates expr once and names
# it in body. The mappings below use it so that a line's loop, currency,
# allowances and taxes are computed once per line.

# The currency of the 850's amounts: CUR02 of the heading CUR segment, or
# the agreement's currency (vars.x12_default_currency) when there is no
# CUR. A PO1 loop's own CUR overrides it for that line only.
mapping "po850_currency" {
  input = "x12.850"
  value = "currency_code(has(input.CUR) ? input.CUR.CUR02 : vars.x12_default_currency)"
}

# The product/service ID pairs of a PO1 (PO106/PO107 … PO124/PO125) as
# [qualifier, id] lists, in the order sent: [["CB", "065322-117"], ["VN",
# "AB3542"]]. The parser has checked that each qualifier has its id.
mapping "po1_ids" {
  input = "x12.850.PO1Loop"
  value = <<-CEL
    [
      input.PO1.?PO106.optMap(q, [q, input.PO1.PO107]),
      input.PO1.?PO108.optMap(q, [q, input.PO1.PO109]),
      input.PO1.?PO110.optMap(q, [q, input.PO1.PO111]),
      input.PO1.?PO112.optMap(q, [q, input.PO1.PO113]),
      input.PO1.?PO114.optMap(q, [q, input.PO1.PO115]),
      input.PO1.?PO116.optMap(q, [q, input.PO1.PO117]),
      input.PO1.?PO118.optMap(q, [q, input.PO1.PO119]),
      input.PO1.?PO120.optMap(q, [q, input.PO1.PO121]),
      input.PO1.?PO122.optMap(q, [q, input.PO1.PO123]),
      input.PO1.?PO124.optMap(q, [q, input.PO1.PO125])
    ].filter(p, p.hasValue()).map(p, p.value())
  CEL
}

# The line's SKU: the id of the first qualifier present in this order of
# preference: VP (vendor's part number), BP (buyer's part number), VN
# (vendor's item number), SK (stock keeping unit), IN (buyer's item
# number), CB (buyer's catalog number), UP, EN, UK (UPC, EAN, GTIN-14);
# otherwise the first pair that is not a description (PD). A PO1 without
# any pair fails with NULL_REQUIRED_FIELD (PO107).
mapping "po1_sku" {
  input = "x12.850.PO1Loop"
  value = <<-CEL
    [x12.po1_ids(input)].map(ids,
      ['VP', 'BP', 'VN', 'SK', 'IN', 'CB', 'UP', 'EN', 'UK']
        .filter(q, ids.exists(p, p[0] == q))
        .map(q, ids.filter(p, p[0] == q)[0][1])
      + ids.filter(p, p[0] != 'PD').map(p, p[1])
    )[0][?0].orValue(input.PO1.PO107)
  CEL
}

# The line's GTINs: its UP (UPC), EN (EAN) and UK (GTIN-14) ids in the
# order sent; the line takes the first. (The po1_* mappings that may find
# nothing return a list: a mapping's optional none would become a null
# field.)
mapping "po1_gtin" {
  input = "x12.850.PO1Loop"
  value = "x12.po1_ids(input).filter(p, p[0] in ['UP', 'EN', 'UK']).map(p, p[1])"
}

# The line's description: PID05 of the first PID that has one, else the
# PD (description) pair of the PO1; a list of one or none.
mapping "po1_description" {
  input = "x12.850.PO1Loop"
  value = <<-CEL
    has(input.PID) && input.PID.exists(p, has(p.PID05))
      ? [input.PID.filter(p, has(p.PID05))[0].PID05]
      : x12.po1_ids(input).filter(p, p[0] == 'PD').map(p, p[1])
  CEL
}

# The line's references: every product/service ID pair keyed by its
# qualifier ({"CB": "065322-117", "VN": "AB3542"}), and the basis of the
# unit price (PO105, "price_basis") when sent. A qualifier sent twice in
# one PO1 keeps its last id here (the sku takes the first).
mapping "po1_references" {
  input = "x12.850.PO1Loop"
  value = <<-CEL
    {
      ?input.PO1.?PO106.orValue('PO106'): input.PO1.?PO107,
      ?input.PO1.?PO108.orValue('PO108'): input.PO1.?PO109,
      ?input.PO1.?PO110.orValue('PO110'): input.PO1.?PO111,
      ?input.PO1.?PO112.orValue('PO112'): input.PO1.?PO113,
      ?input.PO1.?PO114.orValue('PO114'): input.PO1.?PO115,
      ?input.PO1.?PO116.orValue('PO116'): input.PO1.?PO117,
      ?input.PO1.?PO118.orValue('PO118'): input.PO1.?PO119,
      ?input.PO1.?PO120.orValue('PO120'): input.PO1.?PO121,
      ?input.PO1.?PO122.orValue('PO122'): input.PO1.?PO123,
      ?input.PO1.?PO124.orValue('PO124'): input.PO1.?PO125,
      ?'price_basis': input.PO1.?PO105
    }
  CEL
}

# The line's quantity in base units, where the 850 says it (PO4):
#   - ordered in eaches (PO103 EA, or UN, PC …): the quantity itself; PO4
#     then only describes how the eaches are packed;
#   - ordered in cases (PO103 CA) with a pack (PO401): PO102 × PO401 EA.
#     PO402/PO403 give the size of one unit (16 OZ) and are not multiplied
#     in;
#   - otherwise (no PO4, no PO401, or another unit: YD, KT, SF …) none:
#     the flow fills it from the item master.
# A list of one or none.
mapping "po1_base_quantity" {
  input = "x12.850.PO1Loop"
  value = <<-CEL
    !has(input.PO4) ? []
    : uom(input.PO1.PO103) == 'EA' ? [qty(input.PO1.PO102, 'EA')]
    : uom(input.PO1.PO103) == 'CS' && has(input.PO4.PO401) ? [to_base(qty(input.PO1.PO102, 'CS'), input.PO4.PO401, 'EA')]
    : []
  CEL
}

# What a SAC segment is: "allowance" (SAC01 A), "tax" (SAC01 C with SAC02
# H850, Tax), "charge" (any other SAC01 C: freight, handling, fuel …) or
# "none" (SAC01 N "no allowance or charge", and requests): only the first
# three count.
mapping "sac_kind" {
  input = "x12.SAC"
  value = "input.SAC01 == 'A' ? 'allowance' : input.SAC01 == 'C' ? (input.?SAC02.orValue('') == 'H850' ? 'tax' : 'charge') : 'none'"
}

# A SAC that counts, as {kind, title, amount}: the kind as sac_kind says;
# the title is its description (SAC15), else its code (SAC02, such as D240
# freight or C310 discount); the amount is SAC05 with two implied decimals
# ("19998" is 199.98), a decimal. A SAC that gives only a rate (SAC06 to
# SAC08) and no amount fails with NULL_REQUIRED_FIELD: the mapping does not
# compute percentages.
mapping "sac" {
  input = "x12.SAC"
  value = <<-CEL
    {
      'kind': x12.sac_kind(input),
      'title': has(input.SAC15) ? input.SAC15 : has(input.SAC02) ? input.SAC02 : input.SAC01,
      'amount': x12_decimal(input.SAC05, 2)
    }
  CEL
}

# The allowances, charges and taxes of a PO1 loop or of the heading: its
# SACs that count, and its TXI segments that state an amount (TXI02,
# explicit decimal point, titled by the tax type code TXI01) as taxes. A
# TXI with only a rate states no amount and is not counted. Each is
# {kind, title, amount} with a decimal amount.
mapping "po1_adjustments" {
  input = "x12.850.PO1Loop"
  value = <<-CEL
    (has(input.SAC) ? input.SAC.filter(s, x12.sac_kind(s) != 'none').map(s, x12.sac(s)) : [])
    + (has(input.TXI) ? input.TXI.filter(t, has(t.TXI02)).map(t, {'kind': 'tax', 'title': t.TXI01, 'amount': decimal(t.TXI02)}) : [])
  CEL
}

mapping "po850_adjustments" {
  input = "x12.850"
  value = <<-CEL
    (has(input.SAC) ? input.SAC.filter(s, x12.sac_kind(s) != 'none').map(s, x12.sac(s)) : [])
    + (has(input.TXI) ? input.TXI.filter(t, has(t.TXI02)).map(t, {'kind': 'tax', 'title': t.TXI01, 'amount': decimal(t.TXI02)}) : [])
  CEL
}

# The line's amounts in its currency: {currency, gross, discount, charges,
# tax} where currency is the loop's CUR02 or the order's, gross is PO102 ×
# PO104 rounded half-even to the currency (as lines_subtotal does), and
# the others are the sums of its allowances, charges and taxes (Money).
# Without PO104 the line fails with NULL_REQUIRED_FIELD: a line without a
# price cannot be booked.
mapping "po850_line_amounts" {
  input = "x12.850"
  value = <<-CEL
    [x12.po850_currency(input)].map(cur, input.PO1.map(l,
      [l.?CUR.?CUR02.orValue(cur)].map(c, [x12.po1_adjustments(l)].map(adj, {
        'currency': c,
        'gross': mul(money(l.PO1.PO104, c), decimal(l.PO1.PO102), 'half_even'),
        'discount': money(sum_decimal(adj.filter(a, a.kind == 'allowance').map(a, a.amount)), c),
        'charges': money(sum_decimal(adj.filter(a, a.kind == 'charge').map(a, a.amount)), c),
        'tax': money(sum_decimal(adj.filter(a, a.kind == 'tax').map(a, a.amount)), c)
      })[0])[0]
    ))[0]
  CEL
}

# The order's totals:
#   - subtotal: Σ PO102 × PO104 over the lines;
#   - discount: every allowance, heading and lines;
#   - shipping: every charge other than tax, heading and lines;
#   - tax: every tax with an amount, heading and lines;
#   - grand_total: the total the 850 states, or its own figures:
#       AMT01 TT (total transaction amount): AMT02 as it is;
#       AMT01 1 (line item total, the VICS summary: Σ PO102 × PO104):
#         AMT02 − discount + shipping + tax;
#       no such AMT: subtotal − discount + shipping + tax, so the 850's own
#         figures are used and nothing is invented (the flow's totals
#         check then has nothing to compare with).
#     AMT02 has an explicit decimal point (type R).
mapping "po850_totals" {
  input  = "x12.850"
  output = "commerce.Totals"
  value  = <<-CEL
    [x12.po850_currency(input)].map(cur, [x12.po850_line_amounts(input)].map(lines, [x12.po850_adjustments(input)].map(adj, [{
      'subtotal': sum_money(lines.map(l, l.gross), cur),
      'discount': money(sum_decimal(adj.filter(a, a.kind == 'allowance').map(a, a.amount)), cur) + sum_money(lines.map(l, l.discount), cur),
      'shipping': money(sum_decimal(adj.filter(a, a.kind == 'charge').map(a, a.amount)), cur) + sum_money(lines.map(l, l.charges), cur),
      'tax': money(sum_decimal(adj.filter(a, a.kind == 'tax').map(a, a.amount)), cur) + sum_money(lines.map(l, l.tax), cur)
    }].map(t, {
      'subtotal': t.subtotal,
      'discount': t.discount,
      'shipping': t.shipping,
      'tax': t.tax,
      'grand_total':
        has(input.AMT) && input.AMT.exists(a, a.AMT01 == 'TT')
          ? money(input.AMT.filter(a, a.AMT01 == 'TT')[0].AMT02, cur)
          : (has(input.AMT) && input.AMT.exists(a, a.AMT01 == '1')
              ? money(input.AMT.filter(a, a.AMT01 == '1')[0].AMT02, cur)
              : t.subtotal) - t.discount + t.shipping + t.tax
    })[0])[0])[0])[0]
  CEL
}

# The MSG texts of an N9 loop, one per line.
mapping "n9_text" {
  input = "x12.850.N9Loop"
  value = "has(input.MSG) ? join(input.MSG.map(m, m.MSG01), '\\n') : ''"
}

# One N1 loop (a party with its N2, N3 and N4) into an address: N102 is
# the company, N201 the name (an attention line), N301/N302 and a second
# N3 are up to three street lines, N4 city, state, postal code and
# country. N404 is an ISO 3166 code; without one, the country is the
# agreement's (vars.x12_default_country).
mapping "address" {
  input  = "x12.850.N1Loop"
  output = "commerce.Address"
  fields = {
    company     = "input.N1.?N102"
    name        = "has(input.N2) ? input.N2[?0].?N201 : optional.none()"
    line1       = "has(input.N3) ? input.N3[?0].?N301 : optional.none()"
    line2       = "has(input.N3) ? input.N3[?0].?N302.or(input.N3[?1].?N301) : optional.none()"
    line3       = "has(input.N3) && size(input.N3) > 1 ? (!has(input.N3[0].N302) ? input.N3[1].?N302 : has(input.N3[1].N302) ? optional.of(input.N3[1].N301 + ' ' + input.N3[1].N302) : optional.of(input.N3[1].N301)) : optional.none()"
    city        = "input.?N4.?N401"
    region      = "input.?N4.?N402"
    postal_code = "input.?N4.?N403"
    country     = "country_code(input.?N4.?N404.orValue(vars.x12_default_country))"
  }
}

# An 850 purchase order into a canonical order (channel edi_x12).
#   - id, order_number and po_number are the PO number BEG03, as sent.
#   - status: BEG01 01 (cancellation) is cancelled; 00 (original), 04
#     (change), 05 (replace), 06 (confirmation) and 07 (duplicate) are
#     open, the later ones updates of the same PO (the flow dedupes on
#     sender and PO number and lets changed bodies through). Other purpose
#     codes are refused by the flow, not here. An 850 cancels no single
#     line (that is an 860), so every line is open.
#   - placed_at is the PO date BEG05 (a calendar date: midnight UTC, X12
#     carries no zone); ship_by is the heading DTM 038 (ship no later).
#   - currency: x12.po850_currency. Lines are priced in their own CUR when
#     they have one; a line in another currency than the order fails with
#     CURRENCY_MISMATCH when the totals are added.
#   - lines from the PO1 loops: line_id PO101, or the loop's position
#     (1-based) when PO101 is empty; quantity PO102 in PO103 (uom(): CA is
#     CS, YD is YRD, KI is KT, UN is EA); unit_price PO104 as money (a
#     line without PO104 cannot be booked: NULL_REQUIRED_FIELD; more
#     decimals than the currency has: INVALID_MONEY); PO104 is taken as the
#     price per PO103 unit (the flow refuses per-dozen or per-hundred bases
#     in PO105); sku, gtin, description, references and base_quantity:
#     the x12.po1_* mappings; discount = the line's allowances, tax = its
#     taxes (x12.po850_line_amounts); total = PO102 × PO104 rounded
#     half-even − discount.
#   - allowances and charges (SAC): heading allowances are order discounts
#     (target order), not spread over the lines; a line's allowances are
#     its discount and one discount entry (target line) per line. Charges
#     other than tax (freight and any other) are shipping lines, one per
#     heading SAC and one per line that has some: the canonical totals have
#     no other place for a charge. Tax SACs (H850) and TXI amounts are
#     taxes.
#   - totals: x12.po850_totals.
#   - parties: ship_to is the first N1 ST loop and bill_to the first N1 BT
#     loop that has an N3 or N4 (a party named only by a code, N103/N104,
#     has no address to map: its code is in references); customer.id is
#     the interchange sender (ISA06), customer.company the N1 BY name.
#   - references: the envelope (sender, receiver, control numbers,
#     version, usage indicator P or T), BEG01/BEG02/BEG04/BEG06, the REF
#     and DTM segments as "qualifier=value" lists joined with ";", and the
#     ST and BT party codes.
#   - notes: the MSG texts of the N9 loops, one per line.
mapping "po850" {
  input  = "x12.850"
  output = "commerce.Order"
  fields = {
    id           = "input.BEG.BEG03"
    order_number = "input.BEG.BEG03"
    po_number    = "input.BEG.BEG03"
    channel      = "'edi_x12'"
    status       = "input.BEG.BEG01 == '01' ? 'cancelled' : 'open'"
    placed_at    = "parse_date(input.BEG.BEG05)"
    ship_by      = "has(input.DTM) ? input.DTM.filter(d, d.DTM01 == '038' && has(d.DTM02)).map(d, parse_date(d.DTM02))[?0] : optional.none()"
    currency     = "x12.po850_currency(input)"
    notes        = "has(input.N9) && input.N9.exists(n, has(n.MSG)) ? optional.of(join(input.N9.filter(n, has(n.MSG)).map(n, x12.n9_text(n)), '\\n')) : optional.none()"

    customer = {
      id         = "input.ISA.ISA06"
      company    = "has(input.N1) ? input.N1.filter(n, n.N1.N101 == 'BY' && has(n.N1.N102)).map(n, n.N1.N102)[?0] : optional.none()"
      references = <<-CEL
        {
          'x12_isa_qualifier': input.ISA.ISA05,
          ?'x12_gs_sender': input.GS.?GS02,
          ?'x12_buyer_id': has(input.N1) ? input.N1.filter(n, n.N1.N101 == 'BY' && has(n.N1.N104)).map(n, (has(n.N1.N103) ? n.N1.N103 + ':' : '') + n.N1.N104)[?0] : optional.none()
        }
      CEL
    }

    ship_to = "has(input.N1) ? input.N1.filter(n, n.N1.N101 == 'ST' && (has(n.N3) || has(n.N4))).map(n, x12.address(n))[?0] : optional.none()"
    bill_to = "has(input.N1) ? input.N1.filter(n, n.N1.N101 == 'BT' && (has(n.N3) || has(n.N4))).map(n, x12.address(n))[?0] : optional.none()"

    lines = <<-CEL
      [x12.po850_line_amounts(input)].map(amounts, x12.po1_indexes(input).map(i,
        [input.PO1[i]].map(l, [amounts[i]].map(a, [x12.po1_adjustments(l)].map(adj, {
          'line_id': l.PO1.?PO101.orValue(string(i + 1)),
          'sku': x12.po1_sku(l),
          ?'description': x12.po1_description(l)[?0],
          ?'gtin': x12.po1_gtin(l)[?0],
          'quantity': qty(l.PO1.PO102, l.PO1.PO103),
          ?'base_quantity': x12.po1_base_quantity(l)[?0],
          'unit_price': money(l.PO1.PO104, a.currency),
          ?'discount': adj.exists(x, x.kind == 'allowance') ? optional.of(a.discount) : optional.none(),
          ?'tax': adj.exists(x, x.kind == 'tax') ? optional.of(a.tax) : optional.none(),
          ?'taxes': adj.exists(x, x.kind == 'tax')
            ? optional.of(adj.filter(x, x.kind == 'tax').map(x, {'title': x.title, 'amount': money(x.amount, a.currency)}))
            : optional.none(),
          'total': a.gross - a.discount,
          'status': 'open',
          'references': x12.po1_references(l)
        })[0])[0])[0]
      ))[0]
    CEL

    discounts = <<-CEL
      [x12.po850_currency(input)].map(cur, [x12.po850_line_amounts(input)].map(amounts,
        x12.po850_adjustments(input).filter(x, x.kind == 'allowance').map(x, {
          'title': x.title,
          'target': 'order',
          'amount': money(x.amount, cur)
        })
        + x12.po1_indexes(input).filter(i, x12.po1_adjustments(input.PO1[i]).exists(x, x.kind == 'allowance')).map(i, {
          'title': 'Line ' + (has(input.PO1[i].PO1.PO101) ? input.PO1[i].PO1.PO101 : string(int(i) + 1)) + ': '
            + join(x12.po1_adjustments(input.PO1[i]).filter(x, x.kind == 'allowance').map(x, x.title), ', '),
          'target': 'line',
          'amount': amounts[i].discount
        })
      )[0])[0]
    CEL

    shipping = <<-CEL
      [x12.po850_currency(input)].map(cur, [x12.po850_line_amounts(input)].map(amounts,
        x12.po850_adjustments(input).filter(x, x.kind == 'charge').map(x, {
          'method': x.title,
          'amount': money(x.amount, cur)
        })
        + x12.po1_indexes(input).filter(i, x12.po1_adjustments(input.PO1[i]).exists(x, x.kind == 'charge')).map(i, {
          'method': 'Line ' + (has(input.PO1[i].PO1.PO101) ? input.PO1[i].PO1.PO101 : string(int(i) + 1)) + ': '
            + join(x12.po1_adjustments(input.PO1[i]).filter(x, x.kind == 'charge').map(x, x.title), ', '),
          'amount': amounts[i].charges
        })
      )[0])[0]
    CEL

    taxes = "[x12.po850_currency(input)].map(cur, x12.po850_adjustments(input).filter(x, x.kind == 'tax').map(x, {'title': x.title, 'amount': money(x.amount, cur)}))[0]"

    totals = "x12.po850_totals(input)"

    references = <<-CEL
      {
        'x12_sender': input.ISA.ISA06,
        'x12_sender_qualifier': input.ISA.ISA05,
        'x12_receiver': input.ISA.ISA08,
        'x12_receiver_qualifier': input.ISA.ISA07,
        'x12_interchange_control': input.ISA.ISA13,
        'x12_usage': input.ISA.ISA15,
        'x12_group_control': input.GS.GS06,
        'x12_version': input.GS.GS08,
        'x12_set_control': input.ST.ST02,
        'x12_purpose': input.BEG.BEG01,
        'x12_po_type': input.BEG.BEG02,
        ?'x12_release': input.BEG.?BEG04,
        ?'x12_contract': input.BEG.?BEG06,
        ?'x12_ref': has(input.REF) ? optional.of(join(input.REF.map(r, r.REF01 + '=' + (has(r.REF02) ? r.REF02 : has(r.REF03) ? r.REF03 : '')), ';')) : optional.none(),
        ?'x12_dtm': has(input.DTM) ? optional.of(join(input.DTM.map(d, d.DTM01 + '=' + (has(d.DTM02) ? d.DTM02 : '')), ';')) : optional.none(),
        ?'x12_ship_to_id': has(input.N1) ? input.N1.filter(n, n.N1.N101 == 'ST' && has(n.N1.N104)).map(n, (has(n.N1.N103) ? n.N1.N103 + ':' : '') + n.N1.N104)[?0] : optional.none(),
        ?'x12_bill_to_id': has(input.N1) ? input.N1.filter(n, n.N1.N101 == 'BT' && has(n.N1.N104)).map(n, (has(n.N1.N103) ? n.N1.N103 + ':' : '') + n.N1.N104)[?0] : optional.none()
      }
    CEL
  }
}
