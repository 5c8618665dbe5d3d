# BigCommerce v2 orders into the canonical model.
#
# BigCommerce's order webhooks carry only the order id, and the v2 order
# links its products and shipping addresses ({"url": …, "resource": …})
# instead of embedding them. What this module reads is the v2 order with
# both embedded, as GET /v2/orders/{id}/products and
# GET /v2/orders/{id}/shipping_addresses return them (see
# order.schema.json): the relay that receives the webhook fetches the three
# resources and posts that object. An order that still carries the links
# fails to decode with SCHEMA_MISMATCH ("want array, found object"); a list
# of orders (GET /v2/orders) does too.
#
# Money: every amount is a string with four decimals ("12.9900") in the
# transactional currency default_currency_code. money() accepts the trailing
# zeros, and refuses a fourth decimal that is not zero ("12.3456" is
# INVALID_MONEY: BigCommerce computed a fraction of a cent that this mapping
# will not round away). Dates are RFC 2822.

type "Order" {
  schema      = "order.schema.json"
  description = "A BigCommerce v2 order with its products and shipping addresses embedded."
}

type "LineInput" {
  schema      = "line_input.schema.json"
  description = "One order product with the order's currency: what bigcommerce.line reads."
}

# An address. BigCommerce sends empty strings for what it does not have;
# they are left out. The country is country_iso2, or the English name in
# country when the code is empty.
mapping "address" {
  input  = Order.Address
  output = "commerce.Address"
  fields = {
    name        = "trim((has(input.first_name) ? input.first_name : '') + ' ' + (has(input.last_name) ? input.last_name : '')) != '' ? optional.of(trim((has(input.first_name) ? input.first_name : '') + ' ' + (has(input.last_name) ? input.last_name : ''))) : optional.none()"
    company     = "input.?company.orValue('') != '' ? optional.of(input.company) : optional.none()"
    line1       = "input.?street_1.orValue('') != '' ? optional.of(input.street_1) : optional.none()"
    line2       = "input.?street_2.orValue('') != '' ? optional.of(input.street_2) : optional.none()"
    city        = "input.?city.orValue('') != '' ? optional.of(input.city) : optional.none()"
    region      = "input.?state.orValue('') != '' ? optional.of(input.state) : optional.none()"
    postal_code = "input.?zip.orValue('') != '' ? optional.of(input.zip) : optional.none()"
    country     = "country_code(input.?country_iso2.orValue('') != '' ? input.country_iso2 : input.country)"
    phone       = "input.?phone.orValue('') != '' ? optional.of(input.phone) : optional.none()"
    email       = "input.?email.orValue('') != '' ? optional.of(input.email) : optional.none()"
  }
}

# One order product into one line. unit_price is price_ex_tax (before
# discounts, excluding tax); discount is the sum of applied_discounts, where
# BigCommerce has already spread order-level coupons and manual discounts
# over the products in proportion to their price, so nothing is allocated
# here; tax is the product's total_tax; total is total_ex_tax − discount.
# BigCommerce does not cancel single products, so every line is open (the
# order's status says when the whole order is cancelled). A product bundled
# into another by a pick-list option names it in kit_parent.
mapping "line" {
  input  = LineInput
  output = "commerce.OrderLine"
  fields = {
    line_id     = "string(input.product.id)"
    sku         = "input.product.sku"
    description = "input.product.?name"
    quantity    = "qty(input.product.quantity, 'EA')"
    unit_price  = "money(input.product.price_ex_tax, input.currency)"
    discount    = "sum_money(has(input.product.applied_discounts) ? input.product.applied_discounts.map(d, money(d.amount, input.currency)) : [], input.currency)"
    tax         = "money(input.product.total_tax, input.currency)"
    total       = "money(input.product.total_ex_tax, input.currency) - sum_money(has(input.product.applied_discounts) ? input.product.applied_discounts.map(d, money(d.amount, input.currency)) : [], input.currency)"
    status      = "'open'"
    kit_parent  = "input.product.?parent_order_product_id.optMap(id, string(id))"
    product_id  = "input.product.?product_id.orValue(0) != 0 ? optional.of(string(input.product.product_id)) : optional.none()"
    variant_id  = "input.product.?variant_id.orValue(0) != 0 ? optional.of(string(input.product.variant_id)) : optional.none()"
    gtin        = "input.product.?upc.orValue('') != '' ? optional.of(input.product.upc) : optional.none()"
  }
}

# A v2 order with its products and shipping addresses embedded into a
# canonical order.
#   - currency is default_currency_code (the transactional currency of
#     every amount); presentment_currency is the display currency
#     currency_code when it differs.
#   - status: 5 Cancelled and 6 Declined are cancelled; 2 Shipped,
#     4 Refunded and 10 Completed are closed; every other status is open.
#   - totals: subtotal_ex_tax; discount = discount_amount + coupon_discount;
#     shipping = shipping + handling + gift wrapping, excluding tax;
#     tax = total_tax; grand_total = total_inc_tax. Prices are read
#     excluding tax, so taxes_included is false.
#   - discounts: the coupon discount (with the code of the first coupon
#     found in the products' applied_discounts; the order's coupons
#     sub-resource is not read) and the other discounts (manual discounts
#     and promotions, discount_amount), each when not zero.
#   - ship_to is the first shipping address (a digital order has none);
#     an order shipped to several addresses keeps the others only through
#     each line's order_address_id, which the canonical model has no field for.
mapping "order" {
  input  = Order
  output = "commerce.Order"
  fields = {
    id                   = "string(input.id)"
    channel              = "'bigcommerce'"
    status               = "input.status_id in [5, 6] ? 'cancelled' : input.status_id in [2, 4, 10] ? 'closed' : 'open'"
    placed_at            = "parse_rfc2822(input.date_created)"
    currency             = "currency_code(input.default_currency_code)"
    presentment_currency = "input.?currency_code.orValue(input.default_currency_code) != input.default_currency_code ? optional.of(currency_code(input.currency_code)) : optional.none()"
    order_number         = "string(input.id)"
    customer = {
      id         = "input.?customer_id.orValue(0) != 0 ? optional.of(string(input.customer_id)) : optional.none()"
      email      = "input.billing_address.?email.orValue('') != '' ? optional.of(input.billing_address.email) : optional.none()"
      first_name = "input.billing_address.?first_name.orValue('') != '' ? optional.of(input.billing_address.first_name) : optional.none()"
      last_name  = "input.billing_address.?last_name.orValue('') != '' ? optional.of(input.billing_address.last_name) : optional.none()"
      name       = "bigcommerce.address(input.billing_address).?name"
      phone      = "input.billing_address.?phone.orValue('') != '' ? optional.of(input.billing_address.phone) : optional.none()"
      company    = "input.billing_address.?company.orValue('') != '' ? optional.of(input.billing_address.company) : optional.none()"
    }
    bill_to   = "bigcommerce.address(input.billing_address)"
    ship_to   = "size(input.?shipping_addresses.orValue([])) > 0 ? optional.of(bigcommerce.address(input.shipping_addresses[0])) : optional.none()"
    lines     = "input.products.map(p, bigcommerce.line({'product': p, 'currency': input.default_currency_code}))"
    shipping  = <<-CEL
      (size(input.?shipping_addresses.orValue([])) > 0 || !is_zero(money(input.shipping_cost_ex_tax, input.default_currency_code))
        ? [{
            ?'method': size(input.?shipping_addresses.orValue([])) > 0 && input.shipping_addresses[0].?shipping_method.orValue('') != ''
              ? optional.of(input.shipping_addresses[0].shipping_method) : optional.none(),
            'amount': money(input.shipping_cost_ex_tax, input.default_currency_code),
            'tax': money(input.shipping_cost_tax, input.default_currency_code)
          }]
        : [])
      + (is_zero(money(input.handling_cost_ex_tax, input.default_currency_code)) ? [] : [{
            'method': 'Handling',
            'amount': money(input.handling_cost_ex_tax, input.default_currency_code),
            'tax': money(input.handling_cost_tax, input.default_currency_code)
          }])
      + (is_zero(money(input.wrapping_cost_ex_tax, input.default_currency_code)) ? [] : [{
            'method': 'Gift wrapping',
            'amount': money(input.wrapping_cost_ex_tax, input.default_currency_code),
            'tax': money(input.wrapping_cost_tax, input.default_currency_code)
          }])
    CEL
    discounts = <<-CEL
      (is_zero(money(input.coupon_discount, input.default_currency_code)) ? [] : [{
          ?'code': input.products.exists(p, has(p.applied_discounts) && p.applied_discounts.exists(d, has(d.code) && d.code != ''))
            ? optional.of(input.products
                .map(p, has(p.applied_discounts) ? p.applied_discounts.filter(d, has(d.code) && d.code != '').map(d, d.code) : [])
                .filter(codes, size(codes) > 0)[0][0])
            : optional.none(),
          'title': 'Coupon',
          'type': 'code', 'target': 'order',
          'amount': money(input.coupon_discount, input.default_currency_code)
        }])
      + (is_zero(money(input.discount_amount, input.default_currency_code)) ? [] : [{
          'title': 'Discount', 'target': 'order',
          'amount': money(input.discount_amount, input.default_currency_code)
        }])
    CEL
    totals = {
      subtotal    = "money(input.subtotal_ex_tax, input.default_currency_code)"
      discount    = "money(input.discount_amount, input.default_currency_code) + money(input.coupon_discount, input.default_currency_code)"
      shipping    = "money(input.shipping_cost_ex_tax, input.default_currency_code) + money(input.handling_cost_ex_tax, input.default_currency_code) + money(input.wrapping_cost_ex_tax, input.default_currency_code)"
      tax         = "money(input.total_tax, input.default_currency_code)"
      grand_total = "money(input.total_inc_tax, input.default_currency_code)"
    }
    taxes_included = false
    notes          = "input.?customer_message.orValue('') != '' ? optional.of(input.customer_message) : optional.none()"
    references     = "{'status': input.status, 'status_id': string(input.status_id)}"
  }
}
