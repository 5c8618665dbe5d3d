import "x12" {}

# 997 functional acknowledgments for the X12 sets that edi_inbound's codec
# rejects.
#
# A partner whose 850 has an envelope error (control numbers or counts that
# disagree: ENVELOPE_INVALID) or a syntax error (a mandatory element
# missing, a bad code: SYNTAX_INVALID) must hear about it: rejections are
# what the 997 is for, and without one the partner takes silence for
# receipt. edi_inbound dead-letters such a set at its decode step, as
# before, and, by its rejections_to, also hands the interchange as it came
# (its body and headers, once per message, however many of its sets were
# rejected) to this flow.
#
# This flow reads the interchange with schema x12.FunctionalAck: the x12
# codec then makes one document per functional group, the acknowledgment
# x12.Acknowledge builds (every set with A or R, the segments and elements
# in error, the group's verdict and GE01). The 997 keeps only the rejected
# sets (AK5 R, with AK502 codes and AK3/AK4 for syntax errors): each
# accepted set already got its own 997 (AK5 A) from edi_inbound. AK9 is
# then R (no set of this 997 accepted), AK902 the group's GE01 as sent,
# and AK905 the group's own codes. A group without a rejected set (an 810
# sent to the 850 endpoint is SCHEMA_MISMATCH there, yet sound X12) gets
# nothing from here.
#
# An error in the ISA/IEA envelope itself (IEA02 against ISA13, IEA01
# against the groups, no IEA) rejects every group (AK901 R, every set AK5
# R, no AK905 code), and X12's own answer to it is a TA1 interchange
# acknowledgment: TA104 R with the note code (TA105 001, 021, 023, …) that
# says what is wrong. This flow sends one, whether the sender asked for
# it or not (a rejected interchange must be sent again), and also the TA1
# accepting the envelope that a sender asked for (ISA14 1) when none of
# its sets got through to edi_inbound. Once per interchange: the key is
# its sender and ISA13, as edi_inbound's. The dead letters in edi_inbound
# say why, in words.
#
# The 997 goes back to the interchange's sender, in its version and usage,
# through the same edi_partner sink as edi_inbound's 997s.

flow "edi_rejections" {
  description = "997s rejecting the X12 sets edi_inbound cannot read (envelope or syntax errors)."
  priority    = "critical"
  format      = "x12"
  schema      = x12.FunctionalAck

  # No source: edi_inbound's rejections_to is the way in. One 997 per
  # received group: a resent interchange (the same sender, ISA13 and GS06)
  # is rejected once.
  dedupe "group" {
    key = "'997R:' + input.?interchange.?sender_qualifier.orValue('') + '/' + input.?interchange.?sender.orValue('') + ':' + input.?interchange.?control.orValue('') + '/' + input.group_control"
  }

  # The TA1, before the 997: the interchange's envelope (its status and
  # note were worked out by the codec's AcknowledgeInterchange).
  deliver "interchange_ack" {
    sink = sink.edi_partner
    body = "x12.ta1(input.interchange)"
    key  = "'TA1:' + input.interchange.sender_qualifier + '/' + input.interchange.sender + ':' + input.interchange.control"
    # One TA1 for the interchange, not one per set (or group) it holds.
    per_part = false
    when     = "input.?interchange.?status.orValue('A') == 'R' || input.?interchange.?ack_requested.orValue(false)"
  }

  # The rejected sets only; sets_included (GE01), rejected (AK901 R for an
  # envelope error) and group_errors (AK905) stay as Acknowledge gave them.
  enrich "rejected" {
    fields = {
      sets = "input.sets.filter(s, s.code == 'R')"
    }
  }

  route "reply" {
    body = "x12.ack997(rejected)"
    case "rejected" {
      when = "size(rejected.sets) > 0"
      to   = [sink.edi_partner]
    }
  }
}
