# Walmart Marketplace orders into commerce.Order.
#
# Conventions (Walmart Orders API v3, JSON and XML):
#   - The order id is the purchaseOrderId; customerOrderId (the number the
#     buyer sees) is the order_number. A customer order may hold several
#     purchase orders, one per seller.
#   - A line's PRODUCT charge is the price of the line's whole quantity, so
#     unit_price = Σ PRODUCT charges / orderLineQuantity.amount, exactly:
#     a quotient with fractions of a cent is INVALID_MONEY, never rounded.
#     (Until 2024 Walmart always sent quantity 1, so both readings agree on
#     every corpus order.)
#   - Line tax is the tax of its PRODUCT charges; SHIPPING charges become
#     one shipping line per order line, with their tax. Walmart gives no
#     discounts in orders: totals.discount is zero.
#   - A line is cancelled when all its statuses are Cancelled (Canceled in
#     newer responses); the order is cancelled when all its lines are.
#     Walmart's fulfilment status (Created, Acknowledged, Shipped,
#     Delivered) stays in the line's references.
#   - The grand total is orderSummary.totalAmount when Walmart sends one;
#     otherwise, as most responses have no order total, it is the sum of
#     every charge and tax of the open lines, whatever the charge type, so
#     a charge type this mapping does not know (a discount) makes the order
#     a TOTALS_MISMATCH rather than vanishing.
#   - The currency is the currency of the first charge; a charge in another
#     currency fails with CURRENCY_MISMATCH.
#   - Dates are epoch milliseconds in JSON and xsd:dateTime in XML
#     (walmart.time reads both); the country is alpha-3 ("USA").

# A Walmart date: epoch milliseconds (JSON) or RFC 3339 text (XML).
mapping "time" {
  input = any
  value = "type(input) == string ? parse_time(input) : from_epoch_millis(input)"
}

# The orders of a response: the one of getOrder, or those of a
# getAllOrders page (none on an empty page).
mapping "orders" {
  input = Orders
  value = "has(input.order) ? [input.order] : input.list.?elements.?order.orValue([])"
}

# A Walmart amount {currency, amount} as money (INVALID_MONEY when it has
# fractions of a cent).
mapping "money" {
  input = Amount
  value = "money(input.amount, input.currency)"
}

# The currency of a line: that of its first charge.
mapping "line_currency" {
  input = OrderLine
  value = "currency_code(input.charges.charge[0].chargeAmount.currency)"
}

# The currency of an order: that of its first line.
mapping "currency" {
  input = Order
  value = "walmart.line_currency(input.orderLines.orderLine[0])"
}

# A line is cancelled when it has statuses and all of them are Cancelled.
mapping "line_cancelled" {
  input = OrderLine
  value = "size(input.orderLineStatuses.orderLineStatus) > 0 && input.orderLineStatuses.orderLineStatus.all(s, s.status in ['Cancelled', 'Canceled'])"
}

# Σ of a line's PRODUCT charges: the price of its whole quantity.
mapping "product_total" {
  input = OrderLine
  value = "sum_money(input.charges.charge.filter(c, c.chargeType == 'PRODUCT').map(c, walmart.money(c.chargeAmount)), walmart.line_currency(input))"
}

# Σ of a line's SHIPPING charges.
mapping "shipping_total" {
  input = OrderLine
  value = "sum_money(input.charges.charge.filter(c, c.chargeType == 'SHIPPING').map(c, walmart.money(c.chargeAmount)), walmart.line_currency(input))"
}

# Σ of the tax on a line's PRODUCT charges (tax may be null).
mapping "product_tax" {
  input = OrderLine
  value = "sum_money(input.charges.charge.filter(c, c.chargeType == 'PRODUCT' && has(c.tax)).map(c, walmart.money(c.tax.taxAmount)), walmart.line_currency(input))"
}

# Σ of the tax on a line's SHIPPING charges.
mapping "shipping_tax" {
  input = OrderLine
  value = "sum_money(input.charges.charge.filter(c, c.chargeType == 'SHIPPING' && has(c.tax)).map(c, walmart.money(c.tax.taxAmount)), walmart.line_currency(input))"
}

# Σ of all of a line's charges and taxes, whatever their type.
mapping "charged_total" {
  input = OrderLine
  value = "sum_money(input.charges.charge.map(c, walmart.money(c.chargeAmount)) + input.charges.charge.filter(c, has(c.tax)).map(c, walmart.money(c.tax.taxAmount)), walmart.line_currency(input))"
}

# An order summary amount, {currencyAmount, currencyUnit} as documented or
# {amount, currency} as some responses send it.
mapping "summary_money" {
  input = SummaryAmount
  value = "has(input.currencyAmount) ? money(input.currencyAmount, input.currencyUnit) : money(input.amount, input.currency)"
}

# One order line: the PRODUCT charge over the line's quantity.
mapping "line" {
  input  = OrderLine
  output = "commerce.OrderLine"
  fields = {
    line_id     = "input.lineNumber"
    sku         = "input.item.sku"
    description = "input.item.?productName"
    quantity    = "qty(input.orderLineQuantity.amount, uom(input.orderLineQuantity.unitOfMeasurement))"
    unit_price  = "money(walmart.product_total(input).amount / decimal(input.orderLineQuantity.amount), walmart.line_currency(input))"
    total       = "walmart.product_total(input)"
    tax         = "walmart.product_tax(input)"
    status      = "walmart.line_cancelled(input) ? 'cancelled' : 'open'"
    taxes       = "input.charges.charge.filter(c, c.chargeType == 'PRODUCT' && has(c.tax)).map(c, {'title': c.tax.taxName, 'amount': walmart.money(c.tax.taxAmount)})"
    references  = "{'walmart_status': join(input.orderLineStatuses.orderLineStatus.map(s, s.status), ',')}"
  }
}

# A getOrder/getAllOrders order, JSON or XML.
mapping "order" {
  input  = Order
  output = "commerce.Order"
  fields = {
    id           = "input.purchaseOrderId"
    channel      = "'walmart'"
    status       = "input.orderLines.orderLine.all(l, walmart.line_cancelled(l)) ? 'cancelled' : 'open'"
    placed_at    = "walmart.time(input.orderDate)"
    currency     = "walmart.currency(input)"
    order_number = "input.?customerOrderId"
    ship_by      = "input.shippingInfo.?estimatedShipDate.optMap(d, walmart.time(d))"
    customer = {
      id    = "input.?buyerId"
      email = "input.?customerEmailId"
    }
    ship_to = {
      name        = "input.shippingInfo.postalAddress.?name"
      line1       = "input.shippingInfo.postalAddress.?address1"
      line2       = "input.shippingInfo.postalAddress.?address2"
      city        = "input.shippingInfo.postalAddress.?city"
      region      = "input.shippingInfo.postalAddress.?state"
      postal_code = "input.shippingInfo.postalAddress.?postalCode"
      country     = "country_code(input.shippingInfo.postalAddress.country)"
      phone       = "input.shippingInfo.?phone"
    }
    lines    = "input.orderLines.orderLine.map(l, walmart.line(l))"
    shipping = <<-CEL
      input.orderLines.orderLine
        .filter(l, !walmart.line_cancelled(l) && l.charges.charge.exists(c, c.chargeType == 'SHIPPING'))
        .map(l, {
          'method': input.shippingInfo.?methodCode.orValue(''),
          'amount': walmart.shipping_total(l),
          'tax': walmart.shipping_tax(l)
        })
    CEL
    totals = {
      subtotal    = "sum_money(input.orderLines.orderLine.filter(l, !walmart.line_cancelled(l)).map(l, walmart.product_total(l)), walmart.currency(input))"
      discount    = "money(0, walmart.currency(input))"
      shipping    = "sum_money(input.orderLines.orderLine.filter(l, !walmart.line_cancelled(l)).map(l, walmart.shipping_total(l)), walmart.currency(input))"
      tax         = "sum_money(input.orderLines.orderLine.filter(l, !walmart.line_cancelled(l)).map(l, walmart.product_tax(l) + walmart.shipping_tax(l)), walmart.currency(input))"
      grand_total = <<-CEL
        has(input.orderSummary) && has(input.orderSummary.totalAmount)
          ? walmart.summary_money(input.orderSummary.totalAmount)
          : sum_money(input.orderLines.orderLine.filter(l, !walmart.line_cancelled(l)).map(l, walmart.charged_total(l)), walmart.currency(input))
      CEL
    }
    references = "{?'customer_order_id': input.?customerOrderId, ?'ship_method': input.shippingInfo.?methodCode, ?'ship_node': input.?shipNode.?id}"
  }
}
