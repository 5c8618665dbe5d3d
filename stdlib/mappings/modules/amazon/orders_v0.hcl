# Orders API v0: an order (getOrder) and its items (getOrderItems), posted
# together as {"getOrder": …, "getOrderItems": …}, into commerce.Order.
#
# What the v0 fields mean (Amazon's model, ordersV0.json):
#   - ItemPrice is the LINE's price: the unit price × QuantityOrdered,
#     excluding shipping and gift wrap. unit_price = ItemPrice ÷ quantity,
#     exactly; a price that does not divide to whole minor units is
#     INVALID_MONEY (never rounded).
#   - ItemTax, ShippingPrice, ShippingTax, ShippingDiscount(+Tax),
#     PromotionDiscount(+Tax), CODFee(+Discount) and the gift wrap
#     (BuyerInfo.GiftWrapPrice, GiftWrapTax) are per item. A charge Amazon
#     leaves out is zero. Discounts come per item, so no order-level
#     discount needs allocating across lines.
#   - OrderTotal is absent while the order is Pending (payment not
#     authorised) and the items then have no prices: nothing is guessed,
#     grand_total reads OrderTotal and fails with NULL_REQUIRED_FIELD.

# The items that count in the totals: none when the order is Canceled, and
# never an item whose QuantityOrdered is 0 (a cancelled item).
mapping "open_items_v0" {
  description = "The v0 order items that count in the totals: QuantityOrdered > 0, and none of a Canceled order."
  input       = Orders
  value       = "input.getOrder.payload.OrderStatus == 'Canceled' ? [] : input.getOrderItems.payload.OrderItems.filter(i, i.QuantityOrdered > 0)"
}

# Zero in a currency, for the charges Amazon leaves out of an item.
mapping "zero" {
  description = "Zero money in a currency given by its code."
  input       = string
  value       = "money(0, currency_code(input))"
}

# Every amount of a v0 item as money, zero where Amazon leaves it out. An
# item without ItemPrice (a Pending order's) fails with NULL_REQUIRED_FIELD.
mapping "item_money_v0" {
  description = "The amounts of an Orders API v0 item as money, in the item's ItemPrice currency, zero where absent."
  input       = Orders.V0OrderItem
  fields = {
    price                  = "amazon.money_v0(input.ItemPrice)"
    item_tax               = "has(input.ItemTax) ? amazon.money_v0(input.ItemTax) : amazon.zero(input.ItemPrice.CurrencyCode)"
    promotion_discount     = "has(input.PromotionDiscount) ? amazon.money_v0(input.PromotionDiscount) : amazon.zero(input.ItemPrice.CurrencyCode)"
    promotion_discount_tax = "has(input.PromotionDiscountTax) ? amazon.money_v0(input.PromotionDiscountTax) : amazon.zero(input.ItemPrice.CurrencyCode)"
    shipping               = "has(input.ShippingPrice) ? amazon.money_v0(input.ShippingPrice) : amazon.zero(input.ItemPrice.CurrencyCode)"
    shipping_tax           = "has(input.ShippingTax) ? amazon.money_v0(input.ShippingTax) : amazon.zero(input.ItemPrice.CurrencyCode)"
    shipping_discount      = "has(input.ShippingDiscount) ? amazon.money_v0(input.ShippingDiscount) : amazon.zero(input.ItemPrice.CurrencyCode)"
    shipping_discount_tax  = "has(input.ShippingDiscountTax) ? amazon.money_v0(input.ShippingDiscountTax) : amazon.zero(input.ItemPrice.CurrencyCode)"
    gift_wrap              = "has(input.BuyerInfo) && has(input.BuyerInfo.GiftWrapPrice) ? amazon.money_v0(input.BuyerInfo.GiftWrapPrice) : amazon.zero(input.ItemPrice.CurrencyCode)"
    gift_wrap_tax          = "has(input.BuyerInfo) && has(input.BuyerInfo.GiftWrapTax) ? amazon.money_v0(input.BuyerInfo.GiftWrapTax) : amazon.zero(input.ItemPrice.CurrencyCode)"
    cod_fee                = "has(input.CODFee) ? amazon.money_v0(input.CODFee) : amazon.zero(input.ItemPrice.CurrencyCode)"
    cod_fee_discount       = "has(input.CODFeeDiscount) ? amazon.money_v0(input.CODFeeDiscount) : amazon.zero(input.ItemPrice.CurrencyCode)"
  }
}

# One v0 item as a canonical line. unit_price = ItemPrice ÷ QuantityOrdered
# exactly; discount = PromotionDiscount; tax = ItemTax − PromotionDiscountTax
# (the tax the promotion took off); total = ItemPrice − PromotionDiscount.
# A line with QuantityOrdered 0 is cancelled. A buyer's cancel request is
# only a request: the line stays open, with buyer_requested_cancel in its
# references, until Amazon reports the order Canceled. Quantities are in
# EA; the flow fills base_quantity from the item master.
mapping "order_line_v0" {
  description = "An Orders API v0 order item as a canonical order line."
  input       = Orders.V0OrderItem
  output      = "commerce.OrderLine"
  fields = {
    line_id     = "input.OrderItemId"
    sku         = "input.SellerSKU"
    description = "amazon.text(input.?Title.orValue(''))"
    quantity    = "qty(input.QuantityOrdered, 'EA')"
    unit_price  = "input.QuantityOrdered == 0 ? amazon.item_money_v0(input).price : money(amazon.item_money_v0(input).price.amount / input.QuantityOrdered, amazon.item_money_v0(input).price.currency)"
    discount    = "has(input.PromotionDiscount) ? optional.of(amazon.item_money_v0(input).promotion_discount) : optional.none()"
    tax         = "has(input.ItemTax) ? optional.of(amazon.item_money_v0(input).item_tax - amazon.item_money_v0(input).promotion_discount_tax) : optional.none()"
    total       = "amazon.item_money_v0(input).price - amazon.item_money_v0(input).promotion_discount"
    status      = "input.QuantityOrdered == 0 ? 'cancelled' : 'open'"
    product_id  = "input.ASIN"
    references  = <<-CEL
      {
        'asin': input.ASIN,
        ?'condition': input.?ConditionId,
        ?'condition_subtype': input.?ConditionSubtypeId,
        ?'price_designation': input.?PriceDesignation,
        ?'promotion_ids': has(input.PromotionIds) ? optional.of(join(input.PromotionIds, ',')) : optional.none(),
        ?'gift': has(input.IsGift) ? optional.of(amazon.flag(input.IsGift)) : optional.none(),
        ?'gift_message': has(input.BuyerInfo) ? input.BuyerInfo.?GiftMessageText : optional.none(),
        ?'gift_wrap_level': has(input.BuyerInfo) ? input.BuyerInfo.?GiftWrapLevel : optional.none(),
        ?'buyer_requested_cancel': has(input.BuyerRequestedCancel) && has(input.BuyerRequestedCancel.IsBuyerRequestedCancel) ? optional.of(amazon.flag(input.BuyerRequestedCancel.IsBuyerRequestedCancel)) : optional.none(),
        ?'buyer_cancel_reason': has(input.BuyerRequestedCancel) ? input.BuyerRequestedCancel.?BuyerCancelReason : optional.none(),
        ?'quantity_shipped': has(input.QuantityShipped) ? optional.of(string(input.QuantityShipped)) : optional.none(),
        ?'ioss_number': input.?IossNumber.orValue('') != '' ? input.?IossNumber : optional.none()
      }
    CEL
  }
}

# The same line, cancelled: every line of a Canceled order.
mapping "cancelled_line_v0" {
  description = "An Orders API v0 order item of a Canceled order: the line with status cancelled."
  extends     = order_line_v0
  fields = {
    status = "'cancelled'"
  }
}

# The order's shipping charge: the items' ShippingPrice, ShippingDiscount
# and ShippingTax − ShippingDiscountTax, added up over the open items.
mapping "shipping_v0" {
  description = "The shipping charge of an Orders API v0 order, added up over its open items."
  input       = Orders
  output      = "commerce.ShippingLine"
  fields = {
    method   = "input.getOrder.payload.?ShipServiceLevel.orValue(input.getOrder.payload.?ShipmentServiceLevelCategory.orValue('Shipping'))"
    amount   = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).shipping), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
    discount = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).shipping_discount), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
    tax      = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).shipping_tax - amazon.item_money_v0(i).shipping_discount_tax), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
  }
}

# Gift wrap is a charge the canonical model (v1) has no slot for: it goes
# among the shipping charges, named "Gift wrap", so that totals reconcile
# and an ERP mapping can book it apart by its method.
mapping "gift_wrap_v0" {
  description = "The gift wrap charge of an Orders API v0 order (kept among the shipping charges, method \"Gift wrap\")."
  input       = Orders
  output      = "commerce.ShippingLine"
  fields = {
    method = "'Gift wrap'"
    amount = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).gift_wrap), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
    tax    = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).gift_wrap_tax), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
  }
}

# The cash-on-delivery fee, like gift wrap: a charge named "COD fee".
mapping "cod_fee_v0" {
  description = "The cash-on-delivery fee of an Orders API v0 order (kept among the shipping charges, method \"COD fee\")."
  input       = Orders
  output      = "commerce.ShippingLine"
  fields = {
    method   = "'COD fee'"
    amount   = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).cod_fee), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
    discount = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).cod_fee_discount), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
  }
}

# A v0 address. CountryCode is ISO 3166-1 alpha-2 already; country_code
# checks it (INVALID_COUNTRY otherwise).
mapping "address_v0" {
  description = "An Orders API v0 address as a canonical address."
  input       = Orders.V0Address
  output      = "commerce.Address"
  fields = {
    name        = "amazon.text(input.?Name.orValue(''))"
    company     = "amazon.text(input.?CompanyName.orValue(''))"
    line1       = "amazon.text(input.?AddressLine1.orValue(''))"
    line2       = "amazon.text(input.?AddressLine2.orValue(''))"
    line3       = "amazon.text(input.?AddressLine3.orValue(''))"
    city        = "amazon.text(input.?City.orValue(''))"
    region      = "amazon.text(input.?StateOrRegion.orValue(''))"
    postal_code = "amazon.text(input.?PostalCode.orValue(''))"
    country     = "country_code(input.CountryCode)"
    phone       = "amazon.text(input.?Phone.orValue(''))"
  }
}

# The buyer, from BuyerInfo.
mapping "customer_v0" {
  description = "The buyer of an Orders API v0 order, from BuyerInfo."
  input       = Orders.V0Order
  output      = "commerce.Customer"
  fields = {
    email      = "amazon.text(input.BuyerInfo.?BuyerEmail.orValue(''))"
    name       = "amazon.text(input.BuyerInfo.?BuyerName.orValue(''))"
    company    = "amazon.text(input.BuyerInfo.?BuyerTaxInfo.?CompanyLegalName.orValue(''))"
    references = <<-CEL
      {
        ?'county': input.BuyerInfo.?BuyerCounty,
        ?'taxing_region': has(input.BuyerInfo.BuyerTaxInfo) ? input.BuyerInfo.BuyerTaxInfo.?TaxingRegion : optional.none()
      }
    CEL
  }
}

# An Orders API v0 order with its items.
#   id, order_number   AmazonOrderId
#   status             Canceled → cancelled; Shipped, InvoiceUnconfirmed →
#                      closed (every item shipped); anything else → open.
#                      The raw OrderStatus is references.order_status.
#   currency           OrderTotal's (an IBA order paid in BRL but totalled in
#                      EUR is an EUR order; the BRL payment is a reference).
#   marketplace        the domain of MarketplaceId (amazon.de).
#   lines              every item; all cancelled when the order is Canceled.
#   shipping           the shipping charge, gift wrap and COD fee, each when
#                      an open item has it.
#   totals             over the open items: subtotal Σ ItemPrice; discount
#                      Σ PromotionDiscount + ShippingDiscount +
#                      CODFeeDiscount; shipping Σ of the charges; tax Σ
#                      ItemTax − PromotionDiscountTax + ShippingTax −
#                      ShippingDiscountTax + GiftWrapTax; grand_total
#                      OrderTotal, required.
#   taxes_included     by marketplace: see prices_include_tax (left out,
#                      so tax is added, when MarketplaceId is absent).
#   references         FulfillmentChannel (MFN/AFN), MarketplaceId,
#                      SalesChannel, payment facts, flags.
mapping "order_v0" {
  description = "An Orders API v0 order and its items ({getOrder, getOrderItems}) as a canonical order."
  input       = Orders
  output      = "commerce.Order"
  fields = {
    id           = "input.getOrder.payload.AmazonOrderId"
    channel      = "'amazon'"
    status       = "input.getOrder.payload.OrderStatus == 'Canceled' ? 'cancelled' : (input.getOrder.payload.OrderStatus in ['Shipped', 'InvoiceUnconfirmed'] ? 'closed' : 'open')"
    placed_at    = "parse_time(input.getOrder.payload.PurchaseDate)"
    currency     = "currency_code(input.getOrder.payload.OrderTotal.CurrencyCode)"
    order_number = "input.getOrder.payload.AmazonOrderId"
    po_number    = "amazon.text(input.getOrder.payload.?BuyerInfo.?PurchaseOrderNumber.orValue(''))"
    marketplace  = "has(input.getOrder.payload.MarketplaceId) ? optional.of(amazon.marketplace(input.getOrder.payload.MarketplaceId)) : optional.none()"
    customer     = "has(input.getOrder.payload.BuyerInfo) ? optional.of(amazon.customer_v0(input.getOrder.payload)) : optional.none()"
    ship_to      = "has(input.getOrder.payload.ShippingAddress) ? optional.of(amazon.address_v0(input.getOrder.payload.ShippingAddress)) : optional.none()"
    lines        = "input.getOrder.payload.OrderStatus == 'Canceled' ? input.getOrderItems.payload.OrderItems.map(i, amazon.cancelled_line_v0(i)) : input.getOrderItems.payload.OrderItems.map(i, amazon.order_line_v0(i))"
    shipping     = <<-CEL
      (amazon.open_items_v0(input).exists(i, has(i.ShippingPrice)) ? [amazon.shipping_v0(input)] : [])
      + (amazon.open_items_v0(input).exists(i, has(i.BuyerInfo) && has(i.BuyerInfo.GiftWrapPrice)) ? [amazon.gift_wrap_v0(input)] : [])
      + (amazon.open_items_v0(input).exists(i, has(i.CODFee)) ? [amazon.cod_fee_v0(input)] : [])
    CEL
    totals = {
      subtotal    = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).price), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
      discount    = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).promotion_discount + amazon.item_money_v0(i).shipping_discount + amazon.item_money_v0(i).cod_fee_discount), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
      shipping    = "sum_money(amazon.open_items_v0(input).map(i, amazon.item_money_v0(i).shipping + amazon.item_money_v0(i).gift_wrap + amazon.item_money_v0(i).cod_fee), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))"
      tax         = <<-CEL
        sum_money(amazon.open_items_v0(input).map(i,
          amazon.item_money_v0(i).item_tax - amazon.item_money_v0(i).promotion_discount_tax
          + amazon.item_money_v0(i).shipping_tax - amazon.item_money_v0(i).shipping_discount_tax
          + amazon.item_money_v0(i).gift_wrap_tax), currency_code(input.getOrder.payload.OrderTotal.CurrencyCode))
      CEL
      grand_total = "amazon.money_v0(input.getOrder.payload.OrderTotal)"
    }
    taxes_included = "has(input.getOrder.payload.MarketplaceId) ? optional.of(amazon.prices_include_tax(input.getOrder.payload.MarketplaceId)) : optional.none()"
    ship_by        = "has(input.getOrder.payload.LatestShipDate) ? optional.of(parse_time(input.getOrder.payload.LatestShipDate)) : optional.none()"
    references     = <<-CEL
      {
        'api': 'orders/v0',
        'order_status': input.getOrder.payload.OrderStatus,
        ?'fulfillment_channel': input.getOrder.payload.?FulfillmentChannel,
        ?'marketplace_id': input.getOrder.payload.?MarketplaceId,
        ?'sales_channel': input.getOrder.payload.?SalesChannel,
        ?'seller_order_id': input.getOrder.payload.?SellerOrderId,
        ?'order_type': input.getOrder.payload.?OrderType,
        ?'ship_service_level': input.getOrder.payload.?ShipServiceLevel,
        ?'payment_method': input.getOrder.payload.?PaymentMethod,
        ?'payment_method_details': has(input.getOrder.payload.PaymentMethodDetails) ? optional.of(join(input.getOrder.payload.PaymentMethodDetails, ',')) : optional.none(),
        ?'payment_execution': has(input.getOrder.payload.PaymentExecutionDetail) ? optional.of(join(input.getOrder.payload.PaymentExecutionDetail.map(p, p.PaymentMethod + ' ' + p.Payment.Amount + ' ' + p.Payment.CurrencyCode), '; ')) : optional.none(),
        ?'business_order': has(input.getOrder.payload.IsBusinessOrder) ? optional.of(amazon.flag(input.getOrder.payload.IsBusinessOrder)) : optional.none(),
        ?'prime': has(input.getOrder.payload.IsPrime) ? optional.of(amazon.flag(input.getOrder.payload.IsPrime)) : optional.none(),
        ?'sold_by_ab': has(input.getOrder.payload.IsSoldByAB) ? optional.of(amazon.flag(input.getOrder.payload.IsSoldByAB)) : optional.none(),
        ?'iba': has(input.getOrder.payload.IsIBA) ? optional.of(amazon.flag(input.getOrder.payload.IsIBA)) : optional.none(),
        ?'replacement_order': has(input.getOrder.payload.IsReplacementOrder) ? optional.of(amazon.flag(input.getOrder.payload.IsReplacementOrder)) : optional.none(),
        ?'replaced_order_id': input.getOrder.payload.?ReplacedOrderId,
        ?'supply_source_id': has(input.getOrder.payload.FulfillmentInstruction) ? input.getOrder.payload.FulfillmentInstruction.?FulfillmentSupplySourceId : optional.none()
      }
    CEL
  }
}
