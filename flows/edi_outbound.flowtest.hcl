# Tests of the outbound EDI flows (edi_ack, edi_asn, edi_invoice) on the
# samples of their drop folders, which are derived from the corpus 855, 856
# and 810 (see inbox/SOURCES.md), and of the 997 edi_inbound sends.

run "an 850 is acknowledged with a 997 to its sender" {
  flow           = "edi_inbound"
  input          = file("testdata/edi/x12_850_vics_po4_pack_4010.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.?sink.orValue('') + d.?flow.orValue('')) == ['edi_partner', 'erp_orders', 'edi_ack']"
    error_message = "the 997 first, then the order to the ERP and to edi_ack"
  }
  assert {
    condition     = "deliveries[0].body.functional_id == 'FA' && deliveries[0].body.receiver.id == '4405197800' && deliveries[0].body.receiver.qualifier == '12'"
    error_message = "a 997 addressed to the 850's sender"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments == [['AK1', 'PO', '1421'], ['AK2', '850', '000000010'], ['AK5', 'A'], ['AK9', 'A', '1', '1', '1']]"
    error_message = "the set accepted"
  }
}

run "an order from an 850 is acknowledged with an 855" {
  flow           = "edi_ack"
  input          = file("testdata/edi/po_POTEST1112_from_855.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['edi_partner'] && deliveries[0].body.functional_id == 'PR' && deliveries[0].body.receiver.id == '123MILL' && deliveries[0].body.sender.id == '1556150'"
    error_message = "an 855 to the buyer that sent the order"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'PO1')[0] == ['PO1', '1', '3', 'EA', '4.50', 'PE', 'EN', '9780446360265', 'B3', '00', 'B4', 'P', 'B6', 'NEUFELDT, VICTORIA']"
    error_message = "the first line with the partner's own ids"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'ACK').all(s, s[1] == 'IA') && deliveries[0].body.sets[0].segments[0][2] == 'AD'"
    error_message = "every line accepted as ordered"
  }
}

run "a shipment without cartons is an 856 S-O-I" {
  flow           = "edi_asn"
  input          = file("testdata/edi/asn_829716.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries[0].body.functional_id == 'SH' && deliveries[0].body.sets[0].segments[0][5] == '0004'"
    error_message = "BSN05 0004"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'HL').map(s, s[3]) == ['S', 'O', 'I', 'I']"
    error_message = "shipment, order, two items"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'LIN')[0] == ['LIN', '1', 'VN', '87787D', 'UP', '999999310145']"
    error_message = "the SKU under x12_item_qualifier and the UPC"
  }
}

run "a shipment in cartons is an 856 S-O-P-I" {
  flow           = "edi_asn"
  input          = file("testdata/edi/asn_000009_cartons.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'HL').map(s, s[3]) == ['S', 'O', 'P', 'I', 'P', 'I', 'P', 'I', 'P', 'I']"
    error_message = "a pack level per carton"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'MAN').all(s, s[1] == 'GM') && deliveries[0].body.sets[0].segments.filter(s, s[0] == 'CTT')[0] == ['CTT', '10', '48']"
    error_message = "SSCC-18 labels, 10 HL and 48 units"
  }
}

run "an invoice is an 810 whose TDS is the amount due" {
  flow           = "edi_invoice"
  input          = file("testdata/edi/invoice_DO091003TESTINV01.json")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries[0].body.functional_id == 'IN' && deliveries[0].body.sets[0].segments.filter(s, s[0] == 'TDS')[0] == ['TDS', '36596']"
    error_message = "TDS01 365.96 with two implied decimals"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'IT1').size() == 2"
    error_message = "two IT1 lines"
  }
}

run "an invoice date stays the day the ERP gave in a zone west of UTC" {
  flow           = "edi_invoice"
  input          = file("testdata/edi/invoice_DO091003TESTINV01.json")
  expect_outcome = "delivered"
  variables = {
    x12_timezone = "America/New_York"
  }

  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'BIG')[0][1] == '20030310'"
    error_message = "BIG01 is the invoice date 2003-03-10, not the day before"
  }
}
