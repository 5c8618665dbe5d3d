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

  assert {
    condition     = "dead_letter.step == 'decode' && deliveries.exists(d, d.flow == 'edi_rejections')"
    error_message = "a dead letter at decode, and the interchange handed to edi_rejections for its 997"
  }
  assert {
    condition     = "size(deliveries) == 1 && deliveries[0].body.startsWith('ISA*01*0000000000*01*0000000000*ZZ*ABCDEFGHIJKLMNO')"
    error_message = "the interchange as it came, and no 997 accepting it"
  }
}

run "control numbers that do not match are an envelope error" {
  flow               = "edi_inbound"
  input              = file("testdata/edi/x12_850_multi_po1_yd_bom_nbsp_tabs.edi")
  expect_dead_letter = "ENVELOPE_INVALID"

  assert {
    condition     = "dead_letter.step == 'decode' && deliveries.exists(d, d.flow == 'edi_rejections')"
    error_message = "a dead letter at decode, and the interchange handed to edi_rejections for its 997"
  }
}

# edi_rejections gets the interchange edi_inbound rejected, as it came.

run "a set with a syntax error is rejected with a 997" {
  flow           = "edi_rejections"
  input          = file("testdata/edi/x12_850_syntax_error_missing_id.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.map(d, d.sink) == ['edi_partner'] && deliveries[0].body.functional_id == 'FA' && deliveries[0].body.receiver.id == 'ABCDEFGHIJKLMNO' && deliveries[0].body.receiver.qualifier == 'ZZ' && deliveries[0].body.receiver.code == '4405197800'"
    error_message = "a 997 addressed back to the 850's sender (ISA06, GS02)"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] in ['AK1', 'AK2', 'AK5', 'AK9']) == [['AK1', 'PO', '1421'], ['AK2', '850', '000000010'], ['AK5', 'R', '5'], ['AK9', 'R', '1', '1', '0']]"
    error_message = "AK2 for the rejected set, AK5 R 5 (segments in error), AK9 R with none accepted"
  }
  assert {
    condition     = "deliveries[0].body.sets[0].segments.filter(s, s[0] == 'AK3') == [['AK3', 'PO1', '13', '', '8'], ['AK3', 'PO4', '30', '', '8']]"
    error_message = "AK3 for the PO1 and the PO4 in error"
  }
}

run "an interchange with an envelope error is rejected with a TA1 and a 997" {
  flow           = "edi_rejections"
  input          = file("testdata/edi/x12_850_multi_po1_yd_bom_nbsp_tabs.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "size(deliveries) == 2 && deliveries.all(d, d.body.receiver.id == '000123456' && d.body.receiver.qualifier == '01' && d.body.usage == 'T')"
    error_message = "a test TA1 and a test 997, back to the sender of the test interchange"
  }
  assert {
    condition     = "deliveries[0].key == 'TA1:01/000123456:000000055' && deliveries[0].body.interchange_acks == [{'control': '000000055', 'date': '090827', 'time': '0936', 'status': 'R', 'note': '001'}] && !has(deliveries[0].body.sets)"
    error_message = "the TA1 rejects the interchange (TA104 R) with note 001: IEA02 is not ISA13"
  }
  assert {
    condition     = "deliveries[1].body.sets[0].segments == [['AK1', 'PO', '2'], ['AK2', '850', '0001'], ['AK5', 'R'], ['AK9', 'R', '1', '1', '0']]"
    error_message = "the 997: the set rejected (AK5 R) and the group (AK9 R), which the envelope error rejects with them"
  }
}

run "a group without a rejected set gets no 997 from edi_rejections" {
  flow           = "edi_rejections"
  input          = file("testdata/edi/x12_850_vics_po4_pack_4010.edi")
  expect_outcome = "filtered"
}

run "a sender that asks for a TA1 gets one accepting the interchange" {
  flow           = "edi_inbound"
  input          = replace(file("testdata/edi/x12_850_vics_po4_pack_4010.edi"), "*000003438*0*P*", "*000003438*1*P*")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries.exists(d, d.sink == 'edi_partner' && d.key == 'TA1:12/4405197800:000003438' && d.body.interchange_acks == [{'control': '000003438', 'date': '101127', 'time': '1719', 'status': 'A', 'note': '000'}] && d.body.receiver == {'qualifier': '12', 'id': '4405197800'} && d.body.version == '00400')"
    error_message = "a TA1 with TA104 A and TA105 000 for ISA13 000003438, back to its sender, in its ISA12 version"
  }
  assert {
    condition     = "deliveries.exists(d, d.sink == 'edi_partner' && has(d.body.sets) && d.body.sets[0].type == '997')"
    error_message = "and the 997 as before"
  }
}

run "a sender that asks for no TA1 gets none" {
  flow           = "edi_inbound"
  input          = file("testdata/edi/x12_850_vics_po4_pack_4010.edi")
  expect_outcome = "delivered"

  assert {
    condition     = "!deliveries.exists(d, has(d.body.interchange_acks))"
    error_message = "ISA14 0: no TA1"
  }
}

run "a TA1 accepting the interchange when none of its sets got through" {
  flow           = "edi_rejections"
  input          = replace(file("testdata/edi/x12_850_syntax_error_missing_id.edi"), "*000003438*0*P*", "*000003438*1*P*")
  expect_outcome = "delivered"

  assert {
    condition     = "deliveries[0].key == 'TA1:ZZ/ABCDEFGHIJKLMNO:000003438' && deliveries[0].body.interchange_acks[0].status == 'A' && deliveries[0].body.interchange_acks[0].note == '000'"
    error_message = "the envelope is sound (a set's syntax error is the 997's business): TA104 A, TA105 000"
  }
  assert {
    condition     = "deliveries[1].body.sets[0].segments.exists(s, s[0] == 'AK5' && s[1] == 'R')"
    error_message = "and the 997 rejecting the set"
  }
}
