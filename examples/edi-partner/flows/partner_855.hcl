import "x12" {}

# The 855 purchase order acknowledgment for each order partner_850 books.
#
# XYZ Retail's agreement asks for an 855 within 24 hours of the 850: we
# accept every open line as ordered (BAK02 AD, ACK IA), with the partner's
# own line numbers, item ids and prices as it sent them (x12.poa855 sends
# back what x12.po850 kept in the order). A line the ERP later cannot
# fill is the business of the 856 (shipped short) or of a changed 855
# from a flow of your own; the ERP's answer is not waited for here.
#
# A cancellation (BEG01 01) got its 997 and is not acknowledged again. A
# replaced PO (05) is acknowledged again, as a new interchange with new
# control numbers.

flow "partner_855" {
  description = "Orders of XYZ Retail acknowledged with an 855."
  schema      = commerce.Order

  dedupe "order" {
    key       = "'855:' + input.channel + ':' + input.id"
    on_change = "update"
  }

  map "acknowledgment" {
    mapping = x12.poa855
    from    = "{'order': input, 'date': meta.received_at}"
  }

  route "deliver" {
    case "open" {
      when = "input.status != 'cancelled'"
      to   = [sink.partner]
    }
  }
}
