# 997s that reject what XYZ Retail sent and partner_850 could not read:
# a transaction set whose segment count, control numbers or syntax is
# wrong. Without one the partner takes silence for receipt and waits for
# goods that will never ship.
#
# partner_850 dead-letters such a set at its decode step and, by its
# rejections_to, hands the interchange over as it came, once. Read with
# schema x12.FunctionalAck, the x12 codec makes one document per
# functional group: every set with its verdict (A or R) and the segments
# and elements in error. The 997 keeps the rejected sets only (AK5 R with
# its AK502 codes; AK9 R): each accepted set had its own 997 from
# partner_850.
#
# Only this partner's interchanges, addressed to us, are answered: a file
# from a stranger in this folder is dead-lettered by partner_850
# (UNKNOWN_PARTNER) and gets no 997, rejecting or not. An error in the ISA
# or IEA itself rejects every set of the group in the 997; this example
# sends no TA1 for it (flows/edi_rejections.hcl shows the deliver step
# that does).

flow "partner_rejections" {
  description = "997s rejecting XYZ Retail's transaction sets that partner_850 cannot read."
  priority    = "critical"
  format      = "x12"
  schema      = x12.FunctionalAck

  # One rejecting 997 per group received: a resent interchange is answered once.
  dedupe "group" {
    key = "'997R:' + input.?interchange.?control.orValue('') + '/' + input.group_control"
  }

  enrich "rejected" {
    fields = {
      sets = "input.sets.filter(s, s.code == 'R')"
    }
  }

  route "reply" {
    body = "x12.ack997(rejected)"
    case "rejected" {
      when = <<-CEL
        size(rejected.sets) > 0
          && input.?interchange.?sender_qualifier.orValue('') == vars.partner_isa_qualifier
          && input.?interchange.?sender.orValue('') == vars.partner_isa_id
          && input.?interchange.?receiver.orValue('') == vars.our_isa_id
      CEL
      to   = [sink.partner]
    }
  }
}
