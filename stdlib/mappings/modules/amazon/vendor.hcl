# Vendor Orders API (Vendor Central): a getPurchaseOrder response into
# commerce.Order with channel "amazon_vendor". Amazon is the buyer; the
# vendor (the user of Transload) sells.
#
# What the vendor fields mean (Amazon's model, vendorOrders.json):
#   - orderedQuantity is {amount, unitOfMeasure, unitSize}: unitOfMeasure
#     Eaches or Cases, unitSize the eaches per case when ordered in Cases.
#   - netCost (and listPrice) are per EACH, even when the item is ordered
#     in Cases: the price of one ordered case is netCost × unitSize.
#   - The purchase order has no total, no tax, no shipping and no discount.

# One item as a canonical line.
#   quantity       as ordered: amount in EA (Eaches) or CS (Cases).
#   base_quantity  from the payload: amount × unitSize EA for Cases,
#                  amount EA for Eaches; the item master is not needed.
#   unit_price     per ordered unit: netCost for Eaches, netCost × unitSize
#                  for Cases (exact, money × integer).
#   total          unit_price × amount.
#   sku            vendorProductIdentifier (the vendor's own id of the
#                  item), else the ASIN amazonProductIdentifier.
mapping "vendor_order_line" {
  description = "A Vendor Orders purchase order item as a canonical order line; base quantity and case price from unitSize."
  input       = PurchaseOrder.OrderItem
  output      = "commerce.OrderLine"
  fields = {
    line_id       = "input.itemSequenceNumber"
    sku           = "input.?vendorProductIdentifier.orValue(input.amazonProductIdentifier)"
    quantity      = "qty(input.orderedQuantity.amount, input.orderedQuantity.unitOfMeasure)"
    base_quantity = "input.orderedQuantity.unitOfMeasure == 'Cases' ? qty(input.orderedQuantity.amount * input.orderedQuantity.unitSize, 'EA') : qty(input.orderedQuantity.amount, 'EA')"
    unit_price    = "input.orderedQuantity.unitOfMeasure == 'Cases' ? amazon.vendor_money(input.netCost) * input.orderedQuantity.unitSize : amazon.vendor_money(input.netCost)"
    total         = "(input.orderedQuantity.unitOfMeasure == 'Cases' ? amazon.vendor_money(input.netCost) * input.orderedQuantity.unitSize : amazon.vendor_money(input.netCost)) * input.orderedQuantity.amount"
    status        = "'open'"
    product_id    = "input.?amazonProductIdentifier"
    references    = <<-CEL
      {
        ?'asin': input.?amazonProductIdentifier,
        ?'vendor_product_id': input.?vendorProductIdentifier,
        ?'unit_size': has(input.orderedQuantity.unitSize) ? optional.of(string(input.orderedQuantity.unitSize)) : optional.none(),
        ?'net_cost_each': has(input.netCost) ? optional.of(format_money(amazon.vendor_money(input.netCost))) : optional.none(),
        ?'list_price_each': has(input.listPrice) ? optional.of(format_money(amazon.vendor_money(input.listPrice))) : optional.none(),
        ?'back_order_allowed': has(input.isBackOrderAllowed) ? optional.of(amazon.flag(input.isBackOrderAllowed)) : optional.none()
      }
    CEL
  }
}

# Vendor money {currencyCode, amount}, exactly.
mapping "vendor_money" {
  description = "Vendor Orders money {currencyCode, amount} as money; more decimals than the currency has is INVALID_MONEY."
  input       = PurchaseOrder.Money
  value       = "money(input.amount, currency_code(input.currencyCode))"
}

# A vendor party's address (when Amazon sends one).
mapping "vendor_address" {
  description = "A Vendor Orders party address as a canonical address."
  input       = PurchaseOrder.Address
  output      = "commerce.Address"
  fields = {
    name        = "amazon.text(input.?name.orValue(''))"
    line1       = "amazon.text(input.?addressLine1.orValue(''))"
    line2       = "amazon.text(input.?addressLine2.orValue(''))"
    line3       = "amazon.text(input.?addressLine3.orValue(''))"
    city        = "amazon.text(input.?city.orValue(''))"
    region      = "amazon.text(input.?stateOrRegion.orValue(''))"
    postal_code = "amazon.text(input.?postalCode.orValue(''))"
    country     = "country_code(input.countryCode)"
    phone       = "amazon.text(input.?phone.orValue(''))"
  }
}

# A Vendor Central purchase order.
#   id, order_number,  purchaseOrderNumber (the PO is the buyer's document).
#   po_number
#   channel            amazon_vendor.
#   status             Closed → closed; New, Acknowledged → open.
#   currency           the first item's netCost currency (an item in another
#                      currency fails with CURRENCY_MISMATCH in the totals).
#   customer           the buying party (customer.id = its partyId).
#   ship_to, bill_to   the parties' addresses, when Amazon sends them; the
#                      party ids (the Amazon warehouse code) are references.
#   ship_by            the end of shipWindow ("<start>--<end>").
#   totals             the PO states no total: grand_total = subtotal =
#                      Σ line totals, computed from the PO's own quantities
#                      and costs (computing, not guessing); no tax,
#                      shipping or discount (zero).
mapping "vendor_order" {
  description = "A Vendor Orders getPurchaseOrder response as a canonical order (channel amazon_vendor)."
  input       = PurchaseOrder
  output      = "commerce.Order"
  fields = {
    id           = "input.payload.purchaseOrderNumber"
    channel      = "'amazon_vendor'"
    status       = "input.payload.purchaseOrderState == 'Closed' ? 'closed' : 'open'"
    placed_at    = "parse_time(input.payload.orderDetails.purchaseOrderDate)"
    currency     = "currency_code(input.payload.orderDetails.items[0].netCost.currencyCode)"
    order_number = "input.payload.purchaseOrderNumber"
    po_number    = "input.payload.purchaseOrderNumber"
    customer     = "has(input.payload.orderDetails.buyingParty) ? optional.of(amazon.vendor_customer(input.payload.orderDetails.buyingParty)) : optional.none()"
    ship_to      = "has(input.payload.orderDetails.shipToParty) && has(input.payload.orderDetails.shipToParty.address) ? optional.of(amazon.vendor_address(input.payload.orderDetails.shipToParty.address)) : optional.none()"
    bill_to      = "has(input.payload.orderDetails.billToParty) && has(input.payload.orderDetails.billToParty.address) ? optional.of(amazon.vendor_address(input.payload.orderDetails.billToParty.address)) : optional.none()"
    lines        = "input.payload.orderDetails.items.map(i, amazon.vendor_order_line(i))"
    totals = {
      subtotal    = "sum_money(input.payload.orderDetails.items.map(i, amazon.vendor_order_line(i).total), currency_code(input.payload.orderDetails.items[0].netCost.currencyCode))"
      discount    = "amazon.zero(input.payload.orderDetails.items[0].netCost.currencyCode)"
      shipping    = "amazon.zero(input.payload.orderDetails.items[0].netCost.currencyCode)"
      tax         = "amazon.zero(input.payload.orderDetails.items[0].netCost.currencyCode)"
      grand_total = "sum_money(input.payload.orderDetails.items.map(i, amazon.vendor_order_line(i).total), currency_code(input.payload.orderDetails.items[0].netCost.currencyCode))"
    }
    ship_by    = "has(input.payload.orderDetails.shipWindow) && input.payload.orderDetails.shipWindow.contains('--') ? optional.of(parse_time(split(input.payload.orderDetails.shipWindow, '--')[1])) : optional.none()"
    references = <<-CEL
      {
        'api': 'vendor/orders/v1',
        'purchase_order_state': input.payload.purchaseOrderState,
        ?'purchase_order_type': input.payload.orderDetails.?purchaseOrderType,
        ?'payment_method': input.payload.orderDetails.?paymentMethod,
        ?'deal_code': input.payload.orderDetails.?dealCode,
        ?'buying_party': input.payload.orderDetails.?buyingParty.?partyId,
        ?'selling_party': input.payload.orderDetails.?sellingParty.?partyId,
        ?'ship_to_party': input.payload.orderDetails.?shipToParty.?partyId,
        ?'bill_to_party': input.payload.orderDetails.?billToParty.?partyId,
        ?'ship_window': input.payload.orderDetails.?shipWindow,
        ?'delivery_window': input.payload.orderDetails.?deliveryWindow
      }
    CEL
  }
}

# The buying party (an Amazon entity) as the customer.
mapping "vendor_customer" {
  description = "A Vendor Orders buying party as the canonical customer (id = partyId)."
  input       = PurchaseOrder.Party
  output      = "commerce.Customer"
  fields = {
    id     = "input.partyId"
    tax_id = "input.?taxInfo.?taxRegistrationNumber"
  }
}
