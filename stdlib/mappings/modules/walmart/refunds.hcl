# Refunds recorded on Walmart orders into commerce.Return.
#
# Walmart records a refund on the order lines it refunds (order.orderLines.
# orderLine[].refund.refundCharges.refundCharge[]), in the getOrder and
# getAllOrders responses and in the response to POST /v3/orders/{id}/refund
# (JSON or XML). Conventions:
#   - Walmart writes refund charges and their taxes as NEGATIVE amounts
#     (-10.02); the canonical Return has positive amounts (refund_total is
#     what goes back to the buyer), so every amount is negated. A positive
#     Walmart refund charge thus becomes a negative canonical amount, which
#     the default flows dead-letter (INVALID_MONEY) rather than guess at.
#   - The order carries every refund made so far, and a refund has no id
#     of its own in XML (refundId is optional and often null in JSON): the
#     Return's id is the purchaseOrderId, and a later version of the order
#     with more refunds is an update of the same Return (dedupe on_change =
#     "update"). refundIds, when given, are in references.
#   - Refunds are of money, not goods: each refunded line has quantity 0
#     in the ordered unit and restock false. Goods coming back are returns
#     (walmart.return_order, from the Returns API).
#   - A line's amount is its PRODUCT refund charges, its tax their tax;
#     SHIPPING refund charges are totals.shipping, and totals.tax holds all
#     refunded tax. refund_total is every refund charge and tax, whatever
#     its type, so an unknown charge type breaks the reconciliation
#     (TOTALS_MISMATCH) instead of vanishing.

# Whether a line has refund charges.
mapping "line_refunded" {
  input = OrderLine
  value = "has(input.refund) && has(input.refund.refundCharges) && size(input.refund.?refundCharges.?refundCharge.orValue([])) > 0"
}

# Whether an order has refunds.
mapping "refunded" {
  input = Order
  value = "input.orderLines.orderLine.exists(l, walmart.line_refunded(l))"
}

# The orders of a response that record refunds.
mapping "refunded_orders" {
  input = Orders
  value = "walmart.orders(input).filter(o, walmart.refunded(o))"
}

# Σ of a line's refund charges of one type, as Walmart writes them
# (negative).
mapping "refund_product" {
  input = OrderLine
  value = "sum_money(input.refund.refundCharges.refundCharge.filter(r, r.charge.chargeType == 'PRODUCT').map(r, walmart.money(r.charge.chargeAmount)), walmart.line_currency(input))"
}

mapping "refund_product_tax" {
  input = OrderLine
  value = "sum_money(input.refund.refundCharges.refundCharge.filter(r, r.charge.chargeType == 'PRODUCT' && has(r.charge.tax)).map(r, walmart.money(r.charge.tax.taxAmount)), walmart.line_currency(input))"
}

mapping "refund_shipping" {
  input = OrderLine
  value = "sum_money(input.refund.refundCharges.refundCharge.filter(r, r.charge.chargeType == 'SHIPPING').map(r, walmart.money(r.charge.chargeAmount)), walmart.line_currency(input))"
}

mapping "refund_tax" {
  input = OrderLine
  value = "sum_money(input.refund.refundCharges.refundCharge.filter(r, has(r.charge.tax)).map(r, walmart.money(r.charge.tax.taxAmount)), walmart.line_currency(input))"
}

mapping "refund_all" {
  input = OrderLine
  value = "sum_money(input.refund.refundCharges.refundCharge.map(r, walmart.money(r.charge.chargeAmount)), walmart.line_currency(input)) + walmart.refund_tax(input)"
}

# The refundIds Walmart gave, if any.
mapping "refund_ids" {
  input = Order
  value = "input.orderLines.orderLine.filter(l, walmart.line_refunded(l) && has(l.refund.refundId)).map(l, l.refund.refundId)"
}

# One refunded order line: money only, nothing returned.
mapping "refund_line" {
  input  = OrderLine
  output = "commerce.ReturnLine"
  fields = {
    line_id  = "input.lineNumber"
    sku      = "input.item.?sku"
    quantity = "qty(0, uom(input.orderLineQuantity.unitOfMeasurement))"
    restock  = "false"
    amount   = "neg(walmart.refund_product(input))"
    tax      = "neg(walmart.refund_product_tax(input))"
    reason   = "join(input.refund.refundCharges.refundCharge.filter(r, has(r.refundReason)).map(r, r.refundReason), ', ')"
  }
}

# The refunds recorded on an order, as one Return.
mapping "order_refund" {
  input  = Order
  output = "commerce.Return"
  fields = {
    id       = "input.purchaseOrderId"
    order_id = "input.purchaseOrderId"
    channel  = "'walmart'"
    currency = "walmart.currency(input)"
    lines    = "input.orderLines.orderLine.filter(l, walmart.line_refunded(l)).map(l, walmart.refund_line(l))"
    totals = {
      refund_total = "neg(sum_money(input.orderLines.orderLine.filter(l, walmart.line_refunded(l)).map(l, walmart.refund_all(l)), walmart.currency(input)))"
      tax          = "neg(sum_money(input.orderLines.orderLine.filter(l, walmart.line_refunded(l)).map(l, walmart.refund_tax(l)), walmart.currency(input)))"
      shipping     = "neg(sum_money(input.orderLines.orderLine.filter(l, walmart.line_refunded(l)).map(l, walmart.refund_shipping(l)), walmart.currency(input)))"
    }
    references = "{?'customer_order_id': input.?customerOrderId, ?'refund_ids': size(walmart.refund_ids(input)) > 0 ? optional.of(join(walmart.refund_ids(input), ',')) : optional.none()}"
  }
}
