# Orders API 2026-01-01: a getOrder response ({"order": …}, the items
# inside the order) into commerce.Order.
#
# What the 2026-01-01 fields mean (Amazon's model, orders_2026-01-01.json):
#   - product.price.unitPrice is the price of ONE unit.
#   - proceeds break money down by category: ITEM, SHIPPING, GIFT_WRAP,
#     COD_FEE, TAX, DISCOUNT, DELIVERY_TIP, OTHER. The order's
#     proceeds.grandTotal is the sum of its categories (the corpus example:
#     ITEM 89.97 + SHIPPING 10.00 + TAX 4.00 = 103.97), so tax is added,
#     never included. An item's TAX and DISCOUNT may split their subtotal by
#     subtype (ITEM, SHIPPING, GIFT_WRAP, COD_FEE, …) in detailedBreakdowns.
#   - The model does not say whether DISCOUNT subtotals are negative or
#     positive: discounts are taken as their absolute value (a discount
#     never adds to a total), and the flow's reconciliation checks it.
#   - proceeds.grandTotal is absent while the order is PENDING: nothing is
#     guessed, grand_total reads it and fails with NULL_REQUIRED_FIELD.

# An item's proceeds breakdowns; none when Amazon gives no proceeds.
mapping "item_breakdowns_2026" {
  description = "The proceeds breakdowns of an Orders API 2026-01-01 item (empty when absent)."
  input       = Orders.OrderItem
  value       = "has(input.proceeds) && has(input.proceeds.breakdowns) ? input.proceeds.breakdowns : []"
}

# The order's proceeds breakdowns; none when Amazon gives no proceeds.
mapping "breakdowns_2026" {
  description = "The proceeds breakdowns of an Orders API 2026-01-01 order (empty when absent)."
  input       = Orders.Order
  value       = "has(input.proceeds) && has(input.proceeds.breakdowns) ? input.proceeds.breakdowns : []"
}

# The part of an item's proceeds breakdown that belongs to the item
# itself: the amounts of subtype ITEM when the breakdown is split by
# subtype, else its whole subtotal. The line's own tax and discount.
mapping "item_part_2026" {
  description = "The part of an Orders API 2026-01-01 item's proceeds breakdown that belongs to the item itself: the ITEM subtype when the breakdown is split by subtype, else its whole subtotal."
  input       = Orders.ProceedsBreakdown
  value       = <<-CEL
    has(input.detailedBreakdowns) && size(input.detailedBreakdowns) > 0
      ? sum_money(input.detailedBreakdowns.filter(d, d.subtype == 'ITEM').map(d, amazon.money_2026(d.value)), currency_code(input.subtotal.currencyCode))
      : amazon.money_2026(input.subtotal)
  CEL
}

# The SHIPPING part of an item's TAX or DISCOUNT breakdown: the shipping
# charge's tax and discount. Zero when the breakdown is not split.
mapping "shipping_part_2026" {
  description = "The SHIPPING subtype of an Orders API 2026-01-01 item's proceeds breakdown; zero when the breakdown is not split by subtype."
  input       = Orders.ProceedsBreakdown
  value       = <<-CEL
    has(input.detailedBreakdowns)
      ? sum_money(input.detailedBreakdowns.filter(d, d.subtype == 'SHIPPING').map(d, amazon.money_2026(d.value)), currency_code(input.subtotal.currencyCode))
      : amazon.zero(input.subtotal.currencyCode)
  CEL
}

# One 2026-01-01 item as a canonical line. unit_price = unitPrice;
# discount = the item's DISCOUNT (its ITEM subtype when split), as a
# positive amount; tax = the item's TAX (its ITEM subtype when split);
# total = quantityOrdered × unitPrice − discount. A line whose cancellation
# was executed (cancellation.cancellationExecution) is cancelled; a
# cancellation request alone leaves it open, noted in references.
mapping "order_line_2026" {
  description = "An Orders API 2026-01-01 order item as a canonical order line."
  input       = Orders.OrderItem
  output      = "commerce.OrderLine"
  fields = {
    line_id     = "input.orderItemId"
    sku         = "input.product.sellerSku"
    description = "amazon.text(input.product.?title.orValue(''))"
    quantity    = "qty(input.quantityOrdered, 'EA')"
    unit_price  = "amazon.money_2026(input.product.price.unitPrice)"
    discount    = <<-CEL
      amazon.item_breakdowns_2026(input).exists(b, b.type == 'DISCOUNT')
        ? optional.of(abs(sum_money(amazon.item_breakdowns_2026(input).filter(b, b.type == 'DISCOUNT').map(b, amazon.item_part_2026(b)), currency_code(input.product.price.unitPrice.currencyCode))))
        : optional.none()
    CEL
    tax         = <<-CEL
      amazon.item_breakdowns_2026(input).exists(b, b.type == 'TAX')
        ? optional.of(sum_money(amazon.item_breakdowns_2026(input).filter(b, b.type == 'TAX').map(b, amazon.item_part_2026(b)), currency_code(input.product.price.unitPrice.currencyCode)))
        : optional.none()
    CEL
    total       = <<-CEL
      amazon.money_2026(input.product.price.unitPrice) * input.quantityOrdered
      - abs(sum_money(amazon.item_breakdowns_2026(input).filter(b, b.type == 'DISCOUNT').map(b, amazon.item_part_2026(b)), currency_code(input.product.price.unitPrice.currencyCode)))
    CEL
    status      = "has(input.cancellation) && has(input.cancellation.cancellationExecution) ? 'cancelled' : 'open'"
    product_id  = "input.product.?asin"
    references  = <<-CEL
      {
        ?'asin': input.product.?asin,
        ?'condition': input.product.?condition.?conditionType,
        ?'condition_subtype': input.product.?condition.?conditionSubtype,
        ?'price_designation': input.product.?price.?priceDesignation,
        ?'promotion_ids': has(input.promotion) && has(input.promotion.breakdowns) ? optional.of(join(input.promotion.breakdowns.filter(p, has(p.promotionId)).map(p, p.promotionId), ',')) : optional.none(),
        ?'programs': has(input.programs) ? optional.of(join(input.programs, ',')) : optional.none(),
        ?'gift_message': input.?fulfillment.?packing.?giftOption.?giftMessage,
        ?'gift_wrap_level': input.?fulfillment.?packing.?giftOption.?giftWrapLevel,
        ?'buyer_requested_cancel': input.?cancellation.?cancellationRequest.?requester.orValue('') == 'BUYER' ? optional.of('true') : optional.none(),
        ?'cancel_reason': input.?cancellation.?cancellationExecution.?cancelReason.or(input.?cancellation.?cancellationRequest.?cancelReason),
        ?'quantity_shipped': has(input.fulfillment) && has(input.fulfillment.quantityFulfilled) ? optional.of(string(input.fulfillment.quantityFulfilled)) : optional.none(),
        ?'measurement': has(input.measurement) ? optional.of(format_decimal(input.measurement.value) + ' ' + input.measurement.unit) : optional.none()
      }
    CEL
  }
}

# The line of a CANCELLED order: cancelled whatever its own state.
mapping "cancelled_line_2026" {
  description = "An Orders API 2026-01-01 order item of a CANCELLED order: the line with status cancelled."
  extends     = order_line_2026
  fields = {
    status = "'cancelled'"
  }
}

# The shipping charge: the order's SHIPPING proceeds, with the tax and
# discount the items' TAX and DISCOUNT breakdowns attribute to shipping.
mapping "shipping_2026" {
  description = "The shipping charge of an Orders API 2026-01-01 order: its SHIPPING proceeds, and the SHIPPING parts of its items' TAX and DISCOUNT."
  input       = Orders.Order
  output      = "commerce.ShippingLine"
  fields = {
    method   = "input.?fulfillment.?fulfillmentServiceLevel.orValue('SHIPPING')"
    amount   = "sum_money(amazon.breakdowns_2026(input).filter(b, b.type == 'SHIPPING').map(b, amazon.money_2026(b.subtotal)), currency_code(input.proceeds.grandTotal.currencyCode))"
    tax      = "sum_money(input.orderItems.map(i, sum_money(amazon.item_breakdowns_2026(i).filter(b, b.type == 'TAX').map(b, amazon.shipping_part_2026(b)), currency_code(input.proceeds.grandTotal.currencyCode))), currency_code(input.proceeds.grandTotal.currencyCode))"
    discount = "abs(sum_money(input.orderItems.map(i, sum_money(amazon.item_breakdowns_2026(i).filter(b, b.type == 'DISCOUNT').map(b, amazon.shipping_part_2026(b)), currency_code(input.proceeds.grandTotal.currencyCode))), currency_code(input.proceeds.grandTotal.currencyCode)))"
  }
}

# Another charge of the order (GIFT_WRAP, COD_FEE, DELIVERY_TIP, OTHER):
# the canonical model (v1) has no slot for these, so they go among the
# shipping charges with the category as method, so that totals reconcile
# and an ERP mapping can book them apart.
mapping "charge_2026" {
  description = "An Orders API 2026-01-01 order-level proceeds category other than ITEM, SHIPPING, TAX and DISCOUNT, as a charge named by its category."
  input       = Orders.ProceedsBreakdown
  output      = "commerce.ShippingLine"
  fields = {
    method = "input.type"
    amount = "amazon.money_2026(input.subtotal)"
  }
}

# The buyer.
mapping "customer_2026" {
  description = "The buyer of an Orders API 2026-01-01 order."
  input       = Orders.Order.buyer
  output      = "commerce.Customer"
  fields = {
    email   = "amazon.text(input.?buyerEmail.orValue(''))"
    name    = "amazon.text(input.?buyerName.orValue(''))"
    company = "amazon.text(input.?buyerCompanyName.orValue(''))"
  }
}

# The delivery address.
mapping "address_2026" {
  description = "An Orders API 2026-01-01 address as a canonical address."
  input       = Orders.Address
  output      = "commerce.Address"
  fields = {
    name        = "amazon.text(input.?name.orValue(''))"
    company     = "amazon.text(input.?companyName.orValue(''))"
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

# An Orders API 2026-01-01 order.
#   id, order_number   orderId
#   status             fulfillmentStatus CANCELLED → cancelled; SHIPPED →
#                      closed; anything else → open (raw status in
#                      references.order_status).
#   currency           proceeds.grandTotal's.
#   marketplace        the domain of salesChannel.marketplaceId.
#   lines              every item; all cancelled when the order is CANCELLED.
#   shipping           the SHIPPING proceeds, then one charge per other
#                      category (GIFT_WRAP, COD_FEE, DELIVERY_TIP, OTHER).
#   totals             subtotal Σ quantity × unitPrice over open lines;
#                      discount |Σ DISCOUNT|; shipping Σ of the charges; tax
#                      Σ TAX; grand_total proceeds.grandTotal, required.
#                      Tax is added (taxes_included is left out).
#   references         fulfilledBy (MERCHANT/AMAZON, v0's MFN/AFN),
#                      marketplace id, programs, SELLER_ORDER_ID alias.
mapping "order_2026" {
  description = "An Orders API 2026-01-01 order (getOrder's \"order\") as a canonical order."
  input       = Orders.Order
  output      = "commerce.Order"
  fields = {
    id           = "input.orderId"
    channel      = "'amazon'"
    status       = "input.?fulfillment.?fulfillmentStatus.orValue('') == 'CANCELLED' ? 'cancelled' : (input.?fulfillment.?fulfillmentStatus.orValue('') == 'SHIPPED' ? 'closed' : 'open')"
    placed_at    = "parse_time(input.createdTime)"
    currency     = "currency_code(input.proceeds.grandTotal.currencyCode)"
    order_number = "input.orderId"
    po_number    = "amazon.text(input.?buyer.?buyerPurchaseOrderNumber.orValue(''))"
    marketplace  = "has(input.salesChannel) && has(input.salesChannel.marketplaceId) ? optional.of(amazon.marketplace(input.salesChannel.marketplaceId)) : optional.none()"
    customer     = "has(input.buyer) ? optional.of(amazon.customer_2026(input.buyer)) : optional.none()"
    ship_to      = "has(input.recipient) && has(input.recipient.deliveryAddress) ? optional.of(amazon.address_2026(input.recipient.deliveryAddress)) : optional.none()"
    lines        = "input.?fulfillment.?fulfillmentStatus.orValue('') == 'CANCELLED' ? input.orderItems.map(i, amazon.cancelled_line_2026(i)) : input.orderItems.map(i, amazon.order_line_2026(i))"
    shipping     = <<-CEL
      (amazon.breakdowns_2026(input).exists(b, b.type == 'SHIPPING') ? [amazon.shipping_2026(input)] : [])
      + amazon.breakdowns_2026(input).filter(b, !(b.type in ['ITEM', 'SHIPPING', 'TAX', 'DISCOUNT'])).map(b, amazon.charge_2026(b))
    CEL
    totals = {
      subtotal    = "sum_money(input.orderItems.filter(i, input.?fulfillment.?fulfillmentStatus.orValue('') != 'CANCELLED' && !(has(i.cancellation) && has(i.cancellation.cancellationExecution))).map(i, amazon.money_2026(i.product.price.unitPrice) * i.quantityOrdered), currency_code(input.proceeds.grandTotal.currencyCode))"
      discount    = "abs(sum_money(amazon.breakdowns_2026(input).filter(b, b.type == 'DISCOUNT').map(b, amazon.money_2026(b.subtotal)), currency_code(input.proceeds.grandTotal.currencyCode)))"
      shipping    = "sum_money(amazon.breakdowns_2026(input).filter(b, !(b.type in ['ITEM', 'TAX', 'DISCOUNT'])).map(b, amazon.money_2026(b.subtotal)), currency_code(input.proceeds.grandTotal.currencyCode))"
      tax         = "sum_money(amazon.breakdowns_2026(input).filter(b, b.type == 'TAX').map(b, amazon.money_2026(b.subtotal)), currency_code(input.proceeds.grandTotal.currencyCode))"
      grand_total = "amazon.money_2026(input.proceeds.grandTotal)"
    }
    ship_by    = "has(input.fulfillment) && has(input.fulfillment.shipByWindow) && has(input.fulfillment.shipByWindow.latestDateTime) ? optional.of(parse_time(input.fulfillment.shipByWindow.latestDateTime)) : optional.none()"
    references = <<-CEL
      {
        'api': 'orders/2026-01-01',
        ?'order_status': input.?fulfillment.?fulfillmentStatus,
        ?'fulfilled_by': input.?fulfillment.?fulfilledBy,
        ?'fulfillment_service_level': input.?fulfillment.?fulfillmentServiceLevel,
        ?'marketplace_id': input.?salesChannel.?marketplaceId,
        ?'sales_channel': input.?salesChannel.?marketplaceName,
        ?'channel_name': input.?salesChannel.?channelName,
        ?'programs': has(input.programs) ? optional.of(join(input.programs, ',')) : optional.none(),
        ?'seller_order_id': has(input.orderAliases) && input.orderAliases.exists(a, a.?aliasType.orValue('') == 'SELLER_ORDER_ID') ? input.orderAliases.filter(a, a.?aliasType.orValue('') == 'SELLER_ORDER_ID')[0].?aliasId : optional.none()
      }
    CEL
  }
}
