import "x12" {}

# 810 invoices for the partner's orders, from canonical invoices
# (commerce.Invoice, JSON) that the ERP drops in invoices_dir.
#
# x12.invoice810 writes the invoice: IT1 lines, SAC allowances and
# charges with two implied decimals, TXI taxes and TDS01 the amount due,
# so that the lines, allowances, charges and taxes add up to TDS01 to the
# cent. The invoice's po_number (or order_id) is the partner's PO number
# (BIG04) and each line's line_id the PO101 it sent; as in the 856, each
# IT1 gets the partner's own item ids from tables/partner_items.csv. The
# partner pays against the PO, so an invoice whose figures do not add up
# is held (TOTALS_MISMATCH) rather than sent for a chargeback.
#
# A corrected invoice (the same id, a changed body) is sent again as a new
# interchange; the partner's agreement decides whether that is accepted
# or needs a credit memo first.

flow "partner_810" {
  description = "Invoices of XYZ Retail orders as 810 invoices."
  schema      = commerce.Invoice

  source "file" {
    dir = var.invoices_dir
  }

  dedupe "invoice" {
    key       = "'810:' + input.id"
    on_change = "update"
  }

  validate "invoice_checks" {
    rule "po_number" {
      condition = "has(input.po_number) && input.po_number != ''"
      message   = "The invoice has no PO number: the partner matches invoices to its POs (BIG04) and rejects the rest."
      reason    = "NULL_REQUIRED_FIELD"
    }
    rule "totals" {
      condition = "input.totals.subtotal - input.totals.discount + input.totals.shipping + input.totals.tax == input.totals.grand_total"
      message   = "The invoice's subtotal, discounts, shipping and tax do not add up to its total: the 810's lines, allowances, charges and taxes would not add up to TDS01."
      detail    = "'They add up to ' + format_money(input.totals.subtotal - input.totals.discount + input.totals.shipping + input.totals.tax) + '; the invoice says ' + format_money(input.totals.grand_total) + '.'"
      reason    = "TOTALS_MISMATCH"
    }
    rule "items" {
      condition = "input.lines.all(l, in_table(tables.partner_items_by_sku, l.sku))"
      message   = "An invoiced SKU is not in tables/partner_items.csv: the partner would not recognise the item."
      detail    = "'Unknown SKU(s): ' + join(input.lines.filter(l, !in_table(tables.partner_items_by_sku, l.sku)).map(l, l.sku), ', ') + '. Add them with the partner item number, then replay.'"
      reason    = "UNKNOWN_SKU"
    }
  }

  map "invoice_810" {
    mapping = x12.invoice810
    from    = "{'invoice': input}"
  }

  # The partner's ids in each IT1, in place of our SKU.
  enrich "to_partner" {
    from = "invoice_810"
    fields = {
      sets = "invoice_810.sets.map(s, partner_set(s))"
    }
  }

  route "deliver" {
    default {
      to = [sink.partner]
    }
  }
}
