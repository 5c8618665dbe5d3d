# Tests of XYZ Retail's flows. The 850s are real interchanges from public
# EDI parser projects, copied byte for byte from the repository's corpus;
# the few files written for this example say so (testdata/SOURCES.md).

# --- 850 in: 997, canonical order, 855 ----------------------------------------

run "a VICS 850 is acknowledged with a 997 and booked with our SKUs" {
  flow           = "partner_850"
  input          = file("testdata/x12_850_vics_po4_pack_4010.edi")
  clock          = "2010-11-27T18:00:00Z"
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.?sink.orValue('') + d.?flow.orValue('')) == ['partner', 'orders', 'partner_855']"
    error_message = "the 997 first, then the order to the outbox (erp_url is empty) and to partner_855"
  }
  assert {
    condition     = "deliveries[0].body.functional_id == 'FA' && deliveries[0].body.receiver.qualifier == '12' && deliveries[0].body.receiver.id == '4405197800' && deliveries[0].body.sender.qualifier == '01' && deliveries[0].body.sender.id == '999999999'"
    error_message = "the 997 goes back to the partner, from us as it addressed us"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments == [['AK1', 'PO', '1421'], ['AK2', '850', '000000010'], ['AK5', 'A'], ['AK9', 'A', '1', '1', '1']]"
    error_message = "AK1 echoes the group (GS01 PO, GS06 1421), AK2 the set, AK5 and AK9 accept it"
  }
  assert {
    condition     = "deliveries[0].body.version == '004010VICS' && deliveries[0].body.usage == 'P'"
    error_message = "the 997 in the 850's version and usage"
  }
  assert {
    condition     = "steps.canonical.id == '08292233294' && steps.canonical.channel == 'edi_x12' && size(steps.canonical.lines) == 6"
    error_message = "PO 08292233294 (BEG03) with its six PO1 lines"
  }
  assert {
    condition     = "steps.canonical.lines.map(l, l.sku) == ['WDG-SM-0117', 'WDG-MD-0116', 'WDG-LG-0110', 'WDG-NA-0116', 'WDG-BL-0118', 'WDG-OR-0118']"
    error_message = "each buyer catalog number (CB) crosswalked to our SKU"
  }
  assert {
    condition     = "steps.canonical.lines[0].references['CB'] == '065322-117' && steps.canonical.lines[0].references['VN'] == 'AB3542' && steps.canonical.lines[0].description == 'SMALL WIDGET'"
    error_message = "the partner's own ids stay on the line, for the 855"
  }
  assert {
    condition     = "steps.canonical.lines[0].quantity == qty('120', 'EA') && steps.canonical.lines[0].base_quantity == qty('120', 'EA') && steps.canonical.lines[0].unit_price == money('9.25', 'USD') && steps.canonical.lines[0].total == money('1110.00', 'USD')"
    error_message = "120 EA at 9.25: a line in eaches is its own base quantity (its PO4 only says how they are packed)"
  }
  assert {
    condition     = "steps.canonical.lines[4].unit_price == money('7.50', 'USD') && steps.canonical.lines[4].total == money('540.00', 'USD')"
    error_message = "PO104 7.5 is 7.50 USD"
  }
  assert {
    condition     = "steps.canonical.totals.subtotal == money('13045.94', 'USD') && steps.canonical.totals.grand_total == money('13045.94', 'USD')"
    error_message = "AMT*1 13045.94, the sum of the lines"
  }
  assert {
    condition     = "steps.canonical.references['erp_ship_to'] == 'XYZ-DC-044' && steps.canonical.references['erp_customer'] == 'C-10442' && steps.canonical.references['x12_ship_to_id'] == '9:0003947268292'"
    error_message = "the ship-to DC 0003947268292 known, with the ERP's ship-to and account"
  }
  assert {
    condition     = "deliveries[1].key == 'edi_x12:12/4405197800:08292233294' && deliveries[1].body.lines[5].sku == 'WDG-OR-0118'"
    error_message = "the canonical order delivered under its business key (sender and PO number)"
  }
}

run "with erp_url set, the order goes to the ERP instead of the outbox" {
  flow           = "partner_850"
  input          = file("testdata/x12_850_vics_po4_pack_4010.edi")
  variables      = { erp_url = "https://erp.example.com/api/orders" }
  expect_outcome = "delivered"

  mock "erp" {
    status = 201
    body   = { id = "SO-77231" }
  }

  assert {
    condition     = "deliveries.map(d, d.?sink.orValue('') + d.?flow.orValue('')) == ['partner', 'erp', 'partner_855'] && deliveries[1].body.id == '08292233294'"
    error_message = "the canonical order to the ERP sink, once, under the order's key"
  }
}

run "cases with a PO4 pack and a SAC allowance with implied decimals" {
  flow           = "partner_850"
  input          = file("testdata/derived_850_cases_sac_allowance.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.lines[0].quantity == qty('10', 'CS') && steps.canonical.lines[0].base_quantity == qty('40', 'EA')"
    error_message = "PO1*1*10*CA with PO4*4: 10 cases of 4 are 40 eaches"
  }
  assert {
    condition     = "steps.canonical.lines[0].unit_price == money('37.00', 'USD') && steps.canonical.lines[0].total == money('370.00', 'USD')"
    error_message = "the price is per case, as ordered"
  }
  assert {
    condition     = "steps.canonical.lines[1].discount == money('50.00', 'USD') && steps.canonical.lines[1].total == money('2983.80', 'USD')"
    error_message = "SAC*A*C310***5000 is a 50.00 allowance on line 2 (SAC05 has two implied decimals): 220 × 13.79 − 50.00"
  }
  assert {
    condition     = "steps.canonical.discounts.size() == 1 && steps.canonical.discounts[0].target == 'line' && steps.canonical.discounts[0].title == 'Line 2: PROMOTIONAL ALLOWANCE'"
    error_message = "the allowance titled by its SAC15"
  }
  assert {
    condition     = "steps.canonical.totals.subtotal == money('3403.80', 'USD') && steps.canonical.totals.discount == money('50.00', 'USD') && steps.canonical.totals.grand_total == money('3353.80', 'USD')"
    error_message = "AMT*1 3403.80 less the 50.00 allowance"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments == [['AK1', 'PO', '1422'], ['AK2', '850', '000000011'], ['AK5', 'A'], ['AK9', 'A', '1', '1', '1']]"
    error_message = "the 997 echoes this interchange's group 1422"
  }
}

# --- 850 held: a dead letter with its reason ----------------------------------

run "an item the crosswalk does not know holds the order, after its 997" {
  flow               = "partner_850"
  input              = file("testdata/x12_850_vics_po4_pack_4010.edi")
  tables             = { partner_items = "testdata/partner_items_without_blue_widget.csv" }
  expect_dead_letter = "UNKNOWN_SKU"

  assert {
    condition     = "dead_letter.step == 'partner_data.items' && dead_letter.class == 'business' && dead_letter.message.contains('line 5 065374-118 \"BLUE WIDGET\"')"
    error_message = "the dead letter names the line, the partner's item number and its description"
  }
  assert {
    condition     = "deliveries.map(d, d.?sink.orValue('')) == ['partner'] && deliveries[0].body.sets[0].segments[2] == ['AK5', 'A']"
    error_message = "the 997 still accepts the set (it is about syntax; the order waits for a person), and no order goes anywhere"
  }
}

run "a ship-to location we do not serve holds the order" {
  flow               = "partner_850"
  input              = file("testdata/x12_850_vics_po4_pack_4010.edi")
  tables             = { partner_ship_tos = "testdata/partner_ship_tos_solon_missing.csv" }
  expect_dead_letter = "UNKNOWN_SHIP_TO"

  assert {
    condition     = "dead_letter.message.contains('Ship-to 0003947268292 (XYZ RETAIL)')"
    error_message = "the dead letter names the location"
  }
}

run "an interchange from another sender is neither acknowledged nor booked" {
  flow               = "partner_850"
  input              = file("testdata/x12_850_kit_uom_masked_values.edi")
  expect_dead_letter = "UNKNOWN_PARTNER"

  assert {
    condition     = "size(deliveries) == 0 && dead_letter.step == 'envelope.sender' && dead_letter.message.contains('Sent by 12/0000000000')"
    error_message = "no 997 to a stranger; the dead letter says who sent it"
  }
}

run "control numbers that do not match reject the whole interchange" {
  flow               = "partner_850"
  input              = file("testdata/x12_850_multi_po1_yd_bom_nbsp_tabs.edi")
  expect_dead_letter = "ENVELOPE_INVALID"

  assert {
    condition     = "deliveries.map(d, d.flow) == ['partner_rejections'] && dead_letter.step == 'decode' && dead_letter.message.contains('IEA02 \"000000001\" does not match ISA13 \"000000055\"')"
    error_message = "IEA02 against ISA13: the codec rejects it before the flow; no accepting 997, the interchange handed to partner_rejections (which answers only this partner)"
  }
}

run "a set with a syntax error is rejected" {
  flow               = "partner_850"
  input              = file("testdata/x12_850_syntax_error_missing_id.edi")
  expect_dead_letter = "SYNTAX_INVALID"

  assert {
    condition     = "deliveries.map(d, d.flow) == ['partner_rejections'] && dead_letter.message.contains('PO107 (Product/Service ID) is required when PO106 is present')"
    error_message = "the syntax note broken, named"
  }
}

# --- 855, 856, 810 out ----------------------------------------------------------

run "an order is acknowledged with an 855 in the partner's own ids" {
  flow           = "partner_855"
  input          = file("testdata/order_08292233295.json")
  clock          = "2010-12-03T15:00:00Z"
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['partner'] && deliveries[0].body.functional_id == 'PR' && deliveries[0].body.receiver.id == '4405197800' && deliveries[0].body.sender.id == '999999999' && deliveries[0].body.version == '004010VICS'"
    error_message = "an 855 back to the partner that sent the PO, in its version"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments[0] == ['BAK', '00', 'AD', '08292233295', '20101203', '', '', '', '', '20101203']"
    error_message = "BAK: accepted with detail, no change (AD), the PO number and date, today's date"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'PO1') == [['PO1', '1', '10', 'CA', '37.00', 'TE', 'VN', 'AB3542', 'CB', '065322-117', 'PR', 'RO'], ['PO1', '2', '220', 'EA', '13.79', 'TE', 'VN', 'RD5322', 'CB', '066850-116', 'PR', 'RO']]"
    error_message = "each PO1 as the partner sent it: its line numbers, units, prices and item ids"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'ACK') == [['ACK', 'IA', '10', 'CA'], ['ACK', 'IA', '220', 'EA']]"
    error_message = "every line accepted as ordered"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'N1')[0] == ['N1', 'ST', 'XYZ RETAIL', '9', '0003947268292']"
    error_message = "the ship-to with the partner's location code"
  }
}

run "a shipment in cartons is an 856 with the partner's item ids" {
  flow           = "partner_856"
  input          = file("testdata/shipment_ASN-20101206-01.json")
  clock          = "2010-12-06T20:00:00Z"
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries[0].sink == 'partner' && deliveries[0].body.functional_id == 'SH' && !has(deliveries[0].body.receiver)"
    error_message = "an 856 to the sink's partner (the shipment does not carry the order's envelope)"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments[0] == ['BSN', '00', 'ASN-20101206-01', '20101206', '2000', '0001']"
    error_message = "BSN: the shipment id, the notice's date and time, S-O-P-I hierarchy"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'LIN') == [['LIN', '1', 'VN', 'AB3542', 'CB', '065322-117'], ['LIN', '2', 'VN', 'RD5322', 'CB', '066850-116']]"
    error_message = "each LIN with the partner's catalog number and the vendor item it has on file, not our SKU"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'MAN') == [['MAN', 'GM', '006141411000000019'], ['MAN', 'GM', '006141411000000026']] && deliveries[0].body.sets[0].segments.filter(s, s[0] == 'PRF')[0][1] == '08292233295'"
    error_message = "SSCC-18 carton labels and the PO number"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'CTT')[0] == ['CTT', '6', '230']"
    error_message = "six HL levels, 230 units shipped"
  }
}

run "a SKU the crosswalk does not list is not shipped under our number" {
  flow               = "partner_856"
  input              = file("testdata/shipment_ASN-20101206-01.json")
  tables             = { partner_items_by_sku = "testdata/partner_items_without_small_widget.csv" }
  expect_dead_letter = "UNKNOWN_SKU"

  assert {
    condition     = "size(deliveries) == 0 && dead_letter.message.contains('Unknown SKU(s): WDG-SM-0117')"
    error_message = "held, naming the SKU, rather than sent as an item the partner would reject"
  }
}

run "an invoice is an 810 whose TDS is the amount due in implied decimals" {
  flow           = "partner_810"
  input          = file("testdata/invoice_INV-2010-0042.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries[0].sink == 'partner' && deliveries[0].body.functional_id == 'IN' && deliveries[0].body.sets[0].segments[0] == ['BIG', '20101207', 'INV-2010-0042', '', '08292233295']"
    error_message = "BIG: the invoice date and number, the PO number"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'IT1') == [['IT1', '1', '10', 'CA', '37.00', '', 'VN', 'AB3542', 'CB', '065322-117'], ['IT1', '2', '220', 'EA', '13.79', '', 'VN', 'RD5322', 'CB', '066850-116']]"
    error_message = "each IT1 with the partner's item ids"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] in ['SAC', 'TDS']) == [['SAC', 'A', 'C310', '', '', '5000'], ['TDS', '335380']]"
    error_message = "the line's 50.00 allowance and the 3353.80 due, both with two implied decimals"
  }
}

run "an invoice that does not add up is held, not sent for a chargeback" {
  flow               = "partner_810"
  input              = file("testdata/invoice_INV-2010-0043_total_without_allowance.json")
  expect_dead_letter = "TOTALS_MISMATCH"

  assert {
    condition     = "size(deliveries) == 0 && dead_letter.message.contains('They add up to 3353.80 USD; the invoice says 3403.80 USD')"
    error_message = "both figures in the dead letter"
  }
}

# Rejections get a 997 that says so.

run "a set whose SE count is wrong is a dead letter, handed on for its 997" {
  flow               = "partner_850"
  input              = file("testdata/derived_850_wrong_segment_count.edi")
  expect_dead_letter = "ENVELOPE_INVALID"

  assert {
    condition     = "dead_letter.step == 'decode' && deliveries.map(d, d.flow) == ['partner_rejections']"
    error_message = "no accepting 997, no order: the interchange goes to partner_rejections"
  }
}

run "the 997 rejects that set, back to the partner" {
  flow           = "partner_rejections"
  input          = file("testdata/derived_850_wrong_segment_count.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['partner'] && deliveries[0].body.functional_id == 'FA' && deliveries[0].body.receiver.id == '4405197800'"
    error_message = "a 997 to XYZ Retail"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] in ['AK1', 'AK2', 'AK5', 'AK9']) == [['AK1', 'PO', '1423'], ['AK2', '850', '000000010'], ['AK5', 'R', '4'], ['AK9', 'R', '1', '1', '0']]"
    error_message = "AK5 R 4 (the segment count in SE01 is wrong), AK9 R: none accepted"
  }
}

run "a stranger's broken interchange gets no 997 from us" {
  flow           = "partner_rejections"
  input          = file("testdata/x12_850_syntax_error_missing_id.edi")
  expect_outcome = "filtered"
}
