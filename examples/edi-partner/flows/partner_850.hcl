import "x12" {}

# The partner's 850 purchase orders, from the drop folder its AS2 gateway
# (or an SFTP poller) writes to, into canonical orders for the ERP.
#
# The x12 codec reads each interchange, checks its envelope and syntax,
# and hands this flow one document per 850 transaction set: a file with
# three POs is three orders, each booked or held on its own. What the
# codec rejects never reaches the steps below: it is a dead letter at step
# decode, ENVELOPE_INVALID for control numbers or counts that disagree
# (the whole interchange), SYNTAX_INVALID for a broken set, and it gets no
# 997 from here (see README.md, "What is not acknowledged").
#
# Then, in order:
#   1. the interchange must come from this partner and be addressed to
#      us, or nothing else happens (UNKNOWN_PARTNER);
#   2. a 997 accepts the set at once: it says "received, syntax sound",
#      nothing about whether we can fill the order;
#   3. the PO is checked and mapped with the x12 module (x12.po850), its
#      items and ship-to looked up in the partner's tables;
#   4. the canonical order goes to the ERP (or outbox/orders), and to
#      partner_855, which acknowledges it to the partner.

flow "partner_850" {
  description = "XYZ Retail's 850 purchase orders into canonical orders, with a 997 for each and an 855 for each order."
  priority    = "critical"
  format      = "x12"
  schema      = "x12.850"

  # A set the x12 codec rejects (a count or control number that does not
  # add up, a syntax error) is a dead letter here, and the interchange goes
  # on to partner_rejections, which answers with a 997 that rejects it.
  rejections_to = flow.partner_rejections

  source "file" {
    dir    = var.inbound_dir
    format = "x12"
  }

  # A file in this folder that another partner sent (or that was sent to
  # another of our ids) is not ours to acknowledge: the 997 would go to a
  # stranger and the order would be booked to the wrong customer. Check
  # the interchange and the group, both ways.
  validate "envelope" {
    rule "sender" {
      condition = "input.ISA.ISA05 == vars.partner_isa_qualifier && input.ISA.ISA06 == vars.partner_isa_id && input.GS.GS02 == vars.partner_gs_id"
      message   = "The interchange does not come from this partner: its sender is not the one in partner.hcl."
      detail    = "'Sent by ' + input.ISA.ISA05 + '/' + input.ISA.ISA06 + ' (GS02 ' + input.GS.GS02 + '); this folder is for ' + vars.partner_isa_qualifier + '/' + vars.partner_isa_id + ' (GS02 ' + vars.partner_gs_id + '). Move the file to the right partner folder, or correct partner_isa_qualifier, partner_isa_id and partner_gs_id.'"
      reason    = "UNKNOWN_PARTNER"
    }
    rule "receiver" {
      condition = "input.ISA.ISA07 == vars.our_isa_qualifier && input.ISA.ISA08 == vars.our_isa_id && input.GS.GS03 == vars.our_gs_id"
      message   = "The interchange is not addressed to us as this partner knows us."
      detail    = "'Addressed to ' + input.ISA.ISA07 + '/' + input.ISA.ISA08 + ' (GS03 ' + input.GS.GS03 + '); we are ' + vars.our_isa_qualifier + '/' + vars.our_isa_id + ' (GS03 ' + vars.our_gs_id + ') to this partner.'"
      reason    = "UNKNOWN_PARTNER"
    }
  }

  # The 997, before any business rule can stop the message: the partner
  # needs to know the set arrived and parsed, even if the order is then
  # held for a person (an unknown item is our problem to solve, not a
  # reason to make the partner resend). The key names the received set
  # (sender, ISA13, GS06, ST02), so a resent interchange, a retry or a
  # replay never sends a second 997 for the same set, and the sink keeps
  # the control numbers it gave the first time.
  deliver "functional_ack" {
    sink = sink.partner
    body = "x12.ack997(x12.ack850(input))"
    key  = "'997:' + input.ISA.ISA05 + '/' + input.ISA.ISA06 + ':' + input.ISA.ISA13 + '/' + input.GS.GS06 + '/' + input.ST.ST02"
  }

  # A PO is its sender and its number (BEG03). The same PO again with a
  # different body (a 05 replace, a 01 cancellation) goes through as an
  # update of the order; the same body again is a duplicate and stops.
  dedupe "order" {
    key       = "'edi_x12:' + input.ISA.ISA05 + '/' + input.ISA.ISA06 + ':' + input.BEG.BEG03"
    on_change = "update"
  }

  # Rules on the 850 as sent, before it is mapped. The price basis is a
  # list of what we accept (TE and PE per each, CA catalog, CT contract,
  # NT net, QT quoted, UM per unit of measure, or none), not of what we
  # refuse: a basis nobody looked at must not be booked as a unit price.
  validate "purchase_order" {
    rule "purpose" {
      condition = "input.BEG.BEG01 in ['00', '01', '05']"
      message   = "The 850's purpose code (BEG01) is not one we book for this partner."
      detail    = "'BEG01 is ' + input.BEG.BEG01 + '; XYZ Retail sends 00 original, 01 cancellation and 05 replace. Anything else (22 information copy, 06 confirmation) needs a person.'"
    }
    rule "line_count" {
      condition = "!has(input.CTT) || int(input.CTT.CTT01) == size(input.PO1)"
      message   = "The number of PO1 lines differs from the count in CTT01: lines were lost or added on the way."
      detail    = "'CTT01 says ' + input.CTT.CTT01 + '; the 850 has ' + string(size(input.PO1)) + ' PO1 lines.'"
      reason    = "TOTALS_MISMATCH"
    }
    rule "price_per_unit" {
      condition = "input.PO1.all(l, l.PO1.?PO105.orValue('') in ['', 'TE', 'PE', 'CA', 'CT', 'NT', 'QT', 'UM'])"
      message   = "A line is priced on a basis (PO105) we do not book as a price per unit ordered: a price per dozen, hundred or thousand would be booked 12, 100 or 1000 times too high, a retail price (RE) is not what we charge."
      detail    = "'Lines ' + join(input.PO1.filter(l, !(l.PO1.?PO105.orValue('') in ['', 'TE', 'PE', 'CA', 'CT', 'NT', 'QT', 'UM'])).map(l, l.PO1.?PO101.orValue('?') + ' (' + l.PO1.PO105 + ')'), ', ') + ' need a price per unit.'"
      reason    = "INVALID_MONEY"
    }
  }

  # The x12 module's mapping: lines with quantities in the unit ordered
  # (CA is a case) and, where a PO4 gives the pack, in eaches; SAC
  # allowances with their two implied decimals; the envelope in the
  # order's references, so that replies go back to this sender.
  map "mapped" {
    mapping = x12.po850
  }

  # The partner's data must be ours before the order is booked. Both rules
  # are business dead letters: add the row to the table (it reloads on
  # save) and replay; the partner already has its 997.
  validate "partner_data" {
    rule "items" {
      condition = "mapped.lines.all(l, in_table(tables.partner_items, partner_item(l)))"
      message   = "A line names an item that tables/partner_items.csv does not list: we do not know which of our SKUs the partner means."
      detail    = "'Unknown ' + vars.partner_item_qualifier + ' item(s): ' + join(mapped.lines.filter(l, !in_table(tables.partner_items, partner_item(l))).map(l, 'line ' + l.line_id + ' ' + (partner_item(l) == '' ? '(no ' + vars.partner_item_qualifier + ' id; sent ' + l.sku + ')' : partner_item(l)) + l.?description.optMap(d, ' \"' + d + '\"').orValue('')), ', ') + '. Add them to tables/partner_items.csv, then replay.'"
      reason    = "UNKNOWN_SKU"
    }
    rule "ship_to" {
      condition = "in_table(tables.partner_ship_tos, partner_ship_to(mapped))"
      message   = "The PO ships to a location of the partner that tables/partner_ship_tos.csv does not list."
      detail    = "partner_ship_to(mapped) == '' ? 'The 850 names no ship-to location code (N1*ST N104).' : 'Ship-to ' + partner_ship_to(mapped) + mapped.?ship_to.?company.optMap(c, ' (' + c + ')').orValue('') + ' is not in tables/partner_ship_tos.csv: add it with its ERP ship-to, then replay.'"
      reason    = "UNKNOWN_SHIP_TO"
    }
  }

  # Our SKUs in place of the partner's item numbers (the partner's ids stay
  # in each line's references, for the 855), base quantities from the item
  # master where no PO4 gave them, and the ERP's account and ship-to.
  # CEL cannot add entries to a map, so the references are taken apart
  # into [key, value] pairs, ours appended, and put back together.
  enrich "canonical" {
    from = "mapped"
    fields = {
      lines      = "mapped.lines.map(l, with_base_quantity(our_line(l), tables.items, 'dead_letter'))"
      references = <<-CEL
        [
          mapped.?references.orValue({}).transformList(k, v, [k, v]),
          [
            ['erp_customer', vars.erp_customer],
            ['erp_ship_to', lookup(tables.partner_ship_tos, partner_ship_to(mapped)).erp_ship_to]
          ]
        ].flatten().transformMapEntry(i, kv, {kv[0]: kv[1]})
      CEL
    }
  }

  # The partner's figures must add up: lines × prices − allowances +
  # charges + taxes against the AMT total it states. A difference is never
  # corrected here: it means a charge we do not read or a wrong price.
  validate "checks" {
    rule "totals" {
      condition = "totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, allowances, charges and taxes do not add up to the total the 850 states (AMT)."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; the 850 says ' + format_money(canonical.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }
  }

  # The order to the ERP (or to the outbox while erp_url is empty), and to
  # partner_855 for the partner's acknowledgment. Each target gets it once:
  # the ledger keys every delivery by the order's dedupe key.
  route "deliver" {
    case "erp" {
      when = "vars.erp_url != ''"
      to   = [sink.erp, flow.partner_855]
    }
    default {
      to = [sink.orders, flow.partner_855]
    }
  }
}

# The partner's own number of an order line: the id it sent under
# partner_item_qualifier (x12.po850 keeps every id pair of a PO1 in the
# line's references), or '' when the line has none.
mapping "partner_item" {
  input = "commerce.OrderLine"
  value = "input.?references[?vars.partner_item_qualifier].orValue('')"
}

# The partner's ship-to location code: N104 of its N1*ST, which x12.po850
# keeps as "qualifier:code" (9:0003947268292) in x12_ship_to_id; '' when
# the 850 names none.
mapping "partner_ship_to" {
  input = "commerce.Order"
  value = <<-CEL
    cel.bind(id, input.?references.?x12_ship_to_id.orValue(''),
      id.contains(':') ? split(id, ':')[1] : id)
  CEL
}

# An order line with our SKU (from the crosswalk) in place of the id the
# x12 module picked, every other field as mapped. The description stays
# the partner's, which is what its people will recognise on the 855.
mapping "our_line" {
  input  = "commerce.OrderLine"
  output = "commerce.OrderLine"
  fields = {
    line_id       = "input.line_id"
    sku           = "lookup(tables.partner_items, partner_item(input), 'UNKNOWN_SKU').sku"
    description   = "input.?description"
    quantity      = "input.quantity"
    base_quantity = "input.?base_quantity"
    unit_price    = "input.unit_price"
    discount      = "input.?discount"
    tax           = "input.?tax"
    taxes         = "input.?taxes"
    total         = "input.total"
    status        = "input.status"
    kit_parent    = "input.?kit_parent"
    product_id    = "input.?product_id"
    variant_id    = "input.?variant_id"
    gtin          = "input.?gtin"
    references    = "input.?references"
  }
}
