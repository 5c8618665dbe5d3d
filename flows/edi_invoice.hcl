import "x12" {}

# X12 810 invoices for canonical invoices of X12 orders.
#
# An invoice (from the ERP through erp_invoices, on the webhook, or dropped
# in inbox/edi_invoice) whose channel is edi_x12 becomes an 810 to the
# trading partner (see x12.invoice810): IT1 lines, TDS with the amount due,
# TXI taxes, SAC freight and discounts, so that the lines, allowances,
# charges and taxes add up to TDS01 to the cent. Without the order, lines
# are identified by the line number and the SKU under x12_item_qualifier.
# Invoices of other channels are filtered.
#
# A changed invoice (the same id) is sent again as a new interchange.

flow "edi_invoice" {
  description = "Canonical invoices of X12 orders as 810 invoices."
  priority    = "normal"
  schema      = commerce.Invoice

  source "http" {
    path    = "/webhooks/edi_invoice"
    verify  = "api_key"
    secrets = [env("EDI_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/edi_invoice"
  }

  dedupe "invoice" {
    key       = "'810:' + input.id"
    on_change = "update"
  }

  validate "totals" {
    rule "totals" {
      condition = "input.totals.subtotal - input.totals.discount + input.totals.shipping + input.totals.tax == input.totals.grand_total"
      message   = "The invoice's subtotal, discounts, shipping and tax do not add up to its total: the 810's lines, allowances, charges and taxes would not add up to TDS01."
      detail    = "'They add up to ' + format_money(input.totals.subtotal - input.totals.discount + input.totals.shipping + input.totals.tax) + '; the invoice says ' + format_money(input.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }
  }

  map "invoice_810" {
    mapping = x12.invoice810
    from    = "{'invoice': input}"
  }

  route "deliver" {
    case "edi" {
      when = "input.?channel.orValue('') == 'edi_x12'"
      to   = [sink.edi_partner]
    }
  }
}
