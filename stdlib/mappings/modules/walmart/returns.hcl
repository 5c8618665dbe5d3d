# Walmart returns (Returns API v3, GET /v3/returns) into commerce.Return.
#
# Conventions:
#   - The Return's id is the returnOrderId, its order_id the
#     purchaseOrderId of its first line (the canonical order id). A return
#     covers one customer order (customerOrderId, in references), which may
#     span several purchase orders; the default flow dead-letters a return
#     whose lines name different purchase orders rather than book it
#     against the first one.
#   - A line's amount and tax are Walmart's chargeTotals lineSubTotal and
#     lineTotalTaxes (for the returned quantity); totals.refund_total is
#     totalRefundAmount, and the default flow checks that the lines (and
#     shipping) add up to it. Return amounts are positive in this API.
#   - restock is returnExpectedFlag and not isKeepIt: the item is expected
#     back at the seller. Whether it can be sold again is decided when it
#     arrives.
#   - totals.shipping is the SHIPPING charges of the lines (per unit ×
#     quantity), when there are any.

# A Returns API amount {currencyAmount, currencyUnit} as money.
mapping "currency_amount" {
  input = CurrencyAmount
  value = "money(input.currencyAmount, input.currencyUnit)"
}

# A line's charge total by name (lineSubTotal, lineTotalTaxes, ...).
mapping "line_subtotal" {
  input = ReturnOrderLine
  value = "walmart.currency_amount(input.chargeTotals.filter(t, t.name == 'lineSubTotal')[0].value)"
}

mapping "line_taxes" {
  input = ReturnOrderLine
  value = "walmart.currency_amount(input.chargeTotals.filter(t, t.name == 'lineTotalTaxes')[0].value)"
}

# The SHIPPING charges of a returned line, for its quantity.
mapping "return_shipping" {
  input = ReturnOrderLine
  value = "sum_money(input.charges.filter(c, c.chargeCategory == 'SHIPPING').map(c, walmart.currency_amount(c.chargePerUnit) * input.quantity.measurementValue), input.chargeTotals[0].value.currencyUnit)"
}

# One returned line.
mapping "return_line" {
  input  = ReturnOrderLine
  output = "commerce.ReturnLine"
  fields = {
    line_id  = "string(input.purchaseOrderLineNumber)"
    sku      = "input.item.?sku"
    quantity = "qty(input.quantity.measurementValue, uom(input.quantity.unitOfMeasure))"
    restock  = "input.?returnExpectedFlag.orValue(false) && !input.?isKeepIt.orValue(false)"
    amount   = "walmart.line_subtotal(input)"
    tax      = "walmart.line_taxes(input)"
    reason   = "input.?returnReason"
  }
}

# A return order.
mapping "return_order" {
  input  = ReturnOrder
  output = "commerce.Return"
  fields = {
    id         = "input.returnOrderId"
    order_id   = "input.returnOrderLines[0].purchaseOrderId"
    channel    = "'walmart'"
    created_at = "input.?returnOrderDate.optMap(d, parse_time(d))"
    currency   = "currency_code(input.totalRefundAmount.currencyUnit)"
    lines      = "input.returnOrderLines.map(l, walmart.return_line(l))"
    totals = {
      refund_total = "walmart.currency_amount(input.totalRefundAmount)"
      tax          = "sum_money(input.returnOrderLines.map(l, walmart.line_taxes(l)), input.totalRefundAmount.currencyUnit)"
      shipping     = "sum_money(input.returnOrderLines.map(l, walmart.return_shipping(l)), input.totalRefundAmount.currencyUnit)"
    }
    note       = "input.?returnType"
    references = "{?'customer_order_id': input.?customerOrderId, ?'return_type': input.?returnType, ?'refund_mode': input.?refundMode, ?'replacement_customer_order_id': input.?replacementCustomerOrderId}"
  }
}
