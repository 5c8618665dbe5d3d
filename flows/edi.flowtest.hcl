# Tests of the EDI flows on X12 interchanges from public EDI parser
# projects (see testdata/SOURCES.md).

run "a VICS 850 with pack sizes" {
  flow           = "edi_inbound"
  input          = file("testdata/edi/x12_850_vics_po4_pack_4010.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "steps.canonical.id == '08292233294' && steps.canonical.channel == 'edi_x12' && size(steps.canonical.lines) == 6"
    error_message = "PO 08292233294, six PO1 lines"
  }
  assert {
    condition     = "steps.canonical.totals.grand_total.amount == decimal('13045.94')"
    error_message = "the AMT*1 total"
  }
  assert {
    condition     = "steps.canonical.lines.all(l, l.base_quantity.uom == 'EA')"
    error_message = "PO4 pack sizes give base quantities in eaches"
  }
}

run "a segment without its id is a syntax error" {
  flow               = "edi_inbound"
  input              = file("testdata/edi/x12_850_syntax_error_missing_id.edi")
  expect_dead_letter = "SYNTAX_INVALID"
}

run "control numbers that do not match are an envelope error" {
  flow               = "edi_inbound"
  input              = file("testdata/edi/x12_850_multi_po1_yd_bom_nbsp_tabs.edi")
  expect_dead_letter = "ENVELOPE_INVALID"
}
