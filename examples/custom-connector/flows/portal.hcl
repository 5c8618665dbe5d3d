# Orders from a B2B ordering portal, polled with the "portal" source this
# binary adds (../portal), into canonical orders in the outbox.

variable "portal_url" {
  type        = string
  description = "The portal's orders endpoint."
}

sink "file" "outbox" {
  dir = "outbox"
}

flow "portal_orders" {
  description = "B2B portal orders into canonical orders."
  schema      = "portal_order.schema.json"

  source "portal" {
    url      = var.portal_url
    token    = env("PORTAL_TOKEN")
    interval = "30s"
  }

  dedupe "order" {
    key       = "'b2b:' + input.id"
    on_change = "update"
  }

  map "canonical" {
    output = "commerce.Order"
    fields = {
      id        = "input.id"
      channel   = "'b2b'"
      status    = "input.status == 'cancelled' ? 'cancelled' : 'open'"
      placed_at = "parse_time(input.placed_at)"
      currency  = "currency_code(input.currency)"
      po_number = "input.?po_number"
      customer  = "{'id': input.account}"
      lines     = <<-CEL
        input.lines.map(l, {
          'line_id': l.line, 'sku': l.sku,
          'quantity': qty(l.quantity, l.unit),
          'unit_price': money(l.price, input.currency),
          'total': money(l.price, input.currency) * l.quantity,
          'status': 'open'
        })
      CEL
      totals = {
        subtotal    = "sum_money(input.lines.map(l, money(l.price, input.currency) * l.quantity), input.currency)"
        discount    = "money(0, input.currency)"
        shipping    = "money(input.freight, input.currency)"
        tax         = "money(input.tax, input.currency)"
        grand_total = "money(input.total, input.currency)"
      }
    }
  }

  validate "checks" {
    rule "totals" {
      condition = "totals_expected(canonical) == canonical.totals.grand_total"
      message   = "The order's lines, freight and tax do not add up to its total."
      reason    = "TOTALS_MISMATCH"
    }
  }

  route "deliver" {
    default {
      to = [sink.outbox]
    }
  }
}
