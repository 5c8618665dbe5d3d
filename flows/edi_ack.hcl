import "x12" {}

# X12 855 purchase order acknowledgments for canonical orders.
#
# edi_inbound routes every order it books here, and this flow acknowledges
# it to the partner that sent it (the order's references carry the
# partner's interchange ids, version and usage) as accepted: every open
# line IA with the quantity ordered (BAK02 AD). The ERP's answer is not
# waited for: a line the ERP later cannot fill is the business of a
# changed 855 (post an order with lines[].status cancelled, or a
# x12.PoAckInput-shaped override in a flow of your own) or of the 856.
# Other systems may post canonical orders to the webhook or drop them in
# inbox/edi_ack; orders without X12 references go to the partner of the
# edi_partner sink's settings.
#
# A cancelled order is not acknowledged (the 850 that cancelled it got its
# 997). An update of an order (a 05 replace, a change) is acknowledged
# again, as a new interchange with new control numbers.

flow "edi_ack" {
  description = "Canonical orders from X12 partners acknowledged with 855s."
  priority    = "normal"
  schema      = commerce.Order

  source "http" {
    path    = "/webhooks/edi_ack"
    verify  = "api_key"
    secrets = [env("EDI_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/edi_ack"
  }

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
      to   = [sink.edi_partner]
    }
  }
}
