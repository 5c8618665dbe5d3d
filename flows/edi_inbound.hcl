import "x12" {}

# X12 850 purchase orders from trading partners (through a VAN or AS2
# gateway that posts or drops the interchanges as they arrive).
#
# The x12 codec reads the separators from each ISA, checks the envelope and
# the syntax, and makes one document per transaction set: a file with three
# 850s is three orders, each delivered or dead-lettered on its own. An
# interchange whose control numbers or counts do not agree (IEA02 against
# ISA13, a GE01 count) rejects every set in it with ENVELOPE_INVALID; a set
# with a syntax error (a qualifier without its id) is SYNTAX_INVALID; a set
# of another type (an 810 or 856 sent to this endpoint) is SCHEMA_MISMATCH.
#
# Every 850 that parses gets a 997 accepting it (AK5 A) from this flow. A
# message with a rejected set also goes, unchanged and once, to flow
# edi_rejections (rejections_to), which sends the partner a 997 rejecting
# those sets (AK5 R, AK9 R) with the segments and elements in error; the
# rejected sets are dead letters here too, for an operator to see. An
# interchange whose sender asks for a TA1 (ISA14 1) gets one accepting its
# envelope from this flow; an error in the ISA/IEA envelope gets a TA1
# rejecting the interchange from edi_rejections.
# The envelope facts travel with each document (input.ISA, input.GS,
# input.ST) and in the message headers x12-sender, x12-receiver,
# x12-interchange-control, x12-group-control, x12-set-control and
# x12-version; the mapping copies them into the order's references.
#
# Test interchanges (ISA15 T) are processed like production ones; the
# order's references.x12_usage says which it was, for a route to use, and
# the replies (997, 855) go back as test interchanges.
#
# The gateway authenticates with an API key in the X-API-Key header, set in
# EDI_WEBHOOK_KEY; without the variable every request is refused with 401.

variable "x12_default_currency" {
  type        = string
  default     = "USD"
  description = "The currency of an 850 that has no CUR segment. It is not a guess: X12 leaves the currency to the trading partner agreement, and this is the agreement's currency (US partners trade in USD)."
  validation {
    condition     = strlen(var.x12_default_currency) == 3 && upper(var.x12_default_currency) == var.x12_default_currency
    error_message = "The variable x12_default_currency must be an ISO 4217 code in upper case, such as \"USD\"."
  }
}

variable "x12_default_country" {
  type        = string
  default     = "US"
  description = "The country of an N1 party whose N4 has no country code (N404), by the trading partner agreement: X12 makes N404 optional and US partners leave it out."
  validation {
    condition     = strlen(var.x12_default_country) == 2 && upper(var.x12_default_country) == var.x12_default_country
    error_message = "The variable x12_default_country must be an ISO 3166-1 alpha-2 code in upper case, such as \"US\"."
  }
}

flow "edi_inbound" {
  description = "X12 850 purchase orders from trading partners into canonical orders."
  priority    = "critical"
  format      = "x12"
  schema      = "x12.850"

  # Every message with a set the codec rejects (an envelope or syntax
  # error) goes, as it came, to edi_rejections, which answers the partner
  # with a 997 rejecting those sets (AK5 R); the sets are dead letters here
  # as well.
  rejections_to = flow.edi_rejections

  source "http" {
    path    = "/webhooks/edi_inbound"
    verify  = "api_key"
    secrets = [env("EDI_WEBHOOK_KEY")]
  }

  source "file" {
    dir    = "inbox/edi_inbound"
    format = "x12"
  }

  # Every 850 that parses is acknowledged with a 997 (AK5 A) to its
  # sender, before anything else can stop it: the 997 says the set was
  # received and is syntactically sound; whether the order is booked is
  # the 855's business (flow edi_ack). A resent interchange (the same
  # sender, ISA13, GS06 and ST02) is acknowledged once. Sets the codec
  # rejects (an envelope or syntax error) never reach the flow's steps:
  # they are dead letters with the error, and their 997 (AK5 R) comes from
  # edi_rejections (see rejections_to above, and the x12 module's README,
  # "Functional acknowledgments").
  deliver "functional_ack" {
    sink = sink.edi_partner
    body = "x12.ack997(x12.ack850(input))"
    key  = "'997:' + input.ISA.ISA05 + '/' + input.ISA.ISA06 + ':' + input.ISA.ISA13 + '/' + input.GS.GS06 + '/' + input.ST.ST02"
  }

  # A TA1 interchange acknowledgment (TA104 A, TA105 000) when the sender
  # asked for one (ISA14 1): the codec hands this flow no set of an
  # interchange whose envelope is in error, and edi_rejections answers
  # those with a TA1 that rejects them (R). Once per interchange, however
  # many sets it holds and whichever flow gets there first: the key is its
  # sender and ISA13.
  deliver "interchange_ack" {
    sink = sink.edi_partner
    body = "x12.ta1(x12.interchange_accepted(input))"
    key  = "'TA1:' + input.ISA.ISA05 + '/' + input.ISA.ISA06 + ':' + input.ISA.ISA13"
    # One TA1 for the interchange, not one per set (or group) it holds.
    per_part = false
    when     = "input.ISA.?ISA14.orValue('0') == '1'"
  }

  # A PO is identified by its sender (ISA05/ISA06) and its number (BEG03).
  # A changed body for the same PO (a 05 replace, a 01 cancellation, or the
  # same PO in a new interchange) goes through as an update of the order.
  dedupe "order" {
    key       = "'edi_x12:' + input.ISA.ISA05 + '/' + input.ISA.ISA06 + ':' + input.BEG.BEG03"
    on_change = "update"
  }

  # Rules on the 850 itself, before it is mapped.
  validate "purchase_order" {
    rule "purpose" {
      condition = "input.BEG.BEG01 in ['00', '01', '04', '05', '06', '07']"
      message   = "The 850's purpose code (BEG01) is not one this flow books."
      detail    = "'BEG01 is ' + input.BEG.BEG01 + '; the flow books 00 original, 01 cancellation, 04 change, 05 replace, 06 confirmation and 07 duplicate. An information copy (22) or a status (08) is not an order.'"
    }
    rule "line_count" {
      condition = "!has(input.CTT) || int(input.CTT.CTT01) == size(input.PO1)"
      message   = "The number of PO1 lines differs from the count in CTT01: lines are missing or added."
      detail    = "'CTT01 says ' + input.CTT.CTT01 + '; the 850 has ' + string(size(input.PO1)) + ' PO1 lines.'"
      reason    = "TOTALS_MISMATCH"
    }
    rule "price_per_unit" {
      condition = "input.PO1.all(l, !(l.PO1.?PO105.orValue('') in ['PN', 'PD', 'LD', 'RD', 'TD', 'WD', 'HP', 'LC', 'QH', 'RC', 'TC', 'WC', 'TP', 'LM', 'QS', 'RM', 'TM', 'WM', 'TT', 'HT', 'HF', 'TF', 'PS']))"
      message   = "A line's price (PO104) is per ten, dozen, hundred or thousand units (PO105); the flow books prices per ordered unit only."
      detail    = "'Lines ' + join(input.PO1.filter(l, l.PO1.?PO105.orValue('') in ['PN', 'PD', 'LD', 'RD', 'TD', 'WD', 'HP', 'LC', 'QH', 'RC', 'TC', 'WC', 'TP', 'LM', 'QS', 'RM', 'TM', 'WM', 'TT', 'HT', 'HF', 'TF', 'PS']).map(l, (has(l.PO1.PO101) ? l.PO1.PO101 : '?') + ' (' + l.PO1.PO105 + ')'), ', ') + ' need a price per unit.'"
      reason    = "INVALID_MONEY"
    }
  }

  map "mapped" {
    mapping = x12.po850
  }

  # Lines in cases or eaches with a PO4 carry their base quantity; the
  # others take it from the item master.
  enrich "canonical" {
    fields = {
      lines = "mapped.lines.map(l, with_base_quantity(l, tables.items, vars.unknown_sku))"
    }
  }

  validate "checks" {
    rule "totals" {
      condition = "totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, allowances, charges and taxes do not add up to the total the 850 states (AMT)."
      detail    = "'They add up to ' + format_money(totals_expected(canonical)) + '; the 850 says ' + format_money(canonical.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }
  }

  # The ERP gets the order through erp_orders, which maps it into the
  # sales order of the ERP chosen by the variable erp; edi_ack answers the
  # partner with an 855 that accepts every line as ordered.
  route "deliver" {
    default {
      to = [flow.erp_orders, flow.edi_ack]
    }
  }
}
