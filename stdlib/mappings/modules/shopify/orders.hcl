# Shopify orders into the canonical model.
#
# What it reads: the REST Admin order (see order.schema.json), bare as the
# orders/create, orders/updated and orders/cancelled webhooks send it. The
# REST responses wrap it as {"order": {…}}: a flow unwraps it with
#   map "mapped" { mapping = shopify.order, from = "input.?order.orValue(input)" }
#
# Conventions:
#   - Currency: every canonical amount is in the shop currency `currency`
#     (the plain fields; *_set.shop_money holds the same amounts). The
#     currency the buyer saw is presentment_currency (or, in payloads that
#     lack it, total_price_set.presentment_money.currency_code); it is
#     recorded when it differs, with the buyer's grand total in
#     references.presentment_total_price.
#   - The order is the order as placed: every line keeps the quantity
#     ordered and is open, and the grand total is total_price, which
#     Shopify never lowers after a refund (current_total_price does).
#     Refunds travel as commerce.Return documents (shopify.refund); taking
#     a refunded line (current_quantity 0) out of the order as well would
#     credit it twice. A line's current_quantity is kept in its references.
#   - Status: cancelled_at set → cancelled; else closed_at set → closed
#     (Shopify closes, that is archives, an order when it is paid and
#     fulfilled or when the merchant closes it; it is still a sale); else
#     open. These are Shopify's own status=open|closed|cancelled filters.
#     fulfillment_status does not make an order closed: a fulfilled order
#     that is not archived is open in Shopify too. A cancelled order keeps
#     its lines open and its totals as placed: the order's status is what
#     says it is void.
#   - Discounts: a line's discount is the sum of its discount_allocations
#     (Shopify allocates every discount to lines and shipping lines, to the
#     cent). Older payloads (no discount_applications) give an
#     order-level discount only as total_discounts; what the lines'
#     deprecated total_discount and the shipping discount codes do not
#     explain is spread over the lines in proportion to price × quantity
#     with allocate(), so the parts add up to it exactly.
#   - totals.discount is line and shipping discounts together;
#     totals.shipping is Σ shipping_lines price (before discounts);
#     totals.tax is total_tax. The flow checks that they add up to
#     total_price. Duties and additional fees (current_total_duties_set,
#     total_additional_fees_set) are part of total_price and of no
#     canonical total: an order that has them does not reconcile and is a
#     TOTALS_MISMATCH dead letter rather than booked without them.
#   - A line without a SKU (a custom item: sku null) fails with
#     NULL_REQUIRED_FIELD; an empty SKU is mapped as it is and refused by
#     the shopify_orders flow, also as NULL_REQUIRED_FIELD.

type "Order" {
  schema      = "order.schema.json"
  description = "A Shopify REST Admin order (webhook body), or the {\"order\": …} REST response."
}

type "OrderPart" {
  schema      = "order_part.schema.json"
  description = "An order with one of its parts (a line, a tax line, a discount): what the part mappings read."
}

# A postal address. Empty strings are left out. The country is
# country_code, or the English name in country when the code is missing.
mapping "address" {
  input  = Order.Address
  output = "commerce.Address"
  fields = {
    name        = "input.?name.orValue('') != '' ? optional.of(input.name) : optional.none()"
    company     = "input.?company.orValue('') != '' ? optional.of(input.company) : optional.none()"
    line1       = "input.?address1.orValue('') != '' ? optional.of(input.address1) : optional.none()"
    line2       = "input.?address2.orValue('') != '' ? optional.of(input.address2) : optional.none()"
    city        = "input.?city.orValue('') != '' ? optional.of(input.city) : optional.none()"
    region      = "input.?province_code.orValue('') != '' ? optional.of(input.province_code) : input.?province.orValue('') != '' ? optional.of(input.province) : optional.none()"
    postal_code = "input.?zip.orValue('') != '' ? optional.of(input.zip) : optional.none()"
    country     = "country_code(input.?country_code.orValue('') != '' ? input.country_code : input.country)"
    phone       = "input.?phone.orValue('') != '' ? optional.of(input.phone) : optional.none()"
  }
}

# The buyer: the order's customer, with the order's email and phone when
# the customer record has none.
mapping "customer" {
  input  = Order
  output = "commerce.Customer"
  fields = {
    id         = "input.?customer.?id.optMap(id, string(id))"
    email      = "input.?email.orValue('') != '' ? optional.of(input.email) : input.?customer.?email.orValue('') != '' ? optional.of(input.customer.email) : optional.none()"
    first_name = "input.?customer.?first_name.orValue('') != '' ? optional.of(input.customer.first_name) : optional.none()"
    last_name  = "input.?customer.?last_name.orValue('') != '' ? optional.of(input.customer.last_name) : optional.none()"
    name       = "has(input.customer) && trim((has(input.customer.first_name) ? input.customer.first_name : '') + ' ' + (has(input.customer.last_name) ? input.customer.last_name : '')) != '' ? optional.of(trim((has(input.customer.first_name) ? input.customer.first_name : '') + ' ' + (has(input.customer.last_name) ? input.customer.last_name : ''))) : optional.none()"
    phone      = "input.?customer.?phone.orValue('') != '' ? optional.of(input.customer.phone) : input.?phone.orValue('') != '' ? optional.of(input.phone) : optional.none()"
    company    = "input.?billing_address.?company.orValue('') != '' ? optional.of(input.billing_address.company) : optional.none()"
  }
}

# One tax line (of the order, a line or a shipping line): title, rate as
# an exact decimal (0.06 for 6%), amount in the shop currency. Shopify
# does not say where a tax applies; the one jurisdiction derived is the
# US state: a tax titled "… state …" on an order shipped to a US address
# with a province code is that state's (US-KY). County, city and district
# taxes have no code, and no other country is guessed.
mapping "tax_line" {
  input  = OrderPart
  output = "commerce.TaxLine"
  fields = {
    title        = "input.tax_line.title"
    rate         = "input.tax_line.?rate"
    amount       = "money(input.tax_line.price, input.order.currency)"
    jurisdiction = <<-CEL
      input.order.?shipping_address.?country_code.orValue('') == 'US'
        && input.order.?shipping_address.?province_code.orValue('') != ''
        && lower(input.tax_line.title).contains('state')
        ? optional.of('US-' + input.order.shipping_address.province_code)
        : optional.none()
    CEL
  }
}

# The part of an older payload's total_discounts that no line or shipping
# discount code explains: an order-level discount to spread over the lines.
# Zero for payloads with discount_applications, where Shopify allocates
# every discount itself.
mapping "unallocated_discount" {
  input  = OrderPart
  output = "money"
  value  = <<-CEL
    has(input.order.discount_applications)
      ? money('0', input.order.currency)
      : money(input.order.total_discounts, input.order.currency)
        - (has(input.order.discount_codes)
          ? sum_money(input.order.discount_codes.filter(d, d.?type.orValue('') == 'shipping').map(d, money(d.amount, input.order.currency)), input.order.currency)
          : money('0', input.order.currency))
        - sum_money(input.order.line_items.map(l, money(l.?total_discount.orValue('0'), input.order.currency)), input.order.currency)
  CEL
}

# A line's discount: its discount_allocations (or, in older payloads, its
# total_discount), plus its share of the unallocated order discount. The
# share is the line's element of allocate(discount, price × quantity of
# every line), so the shares add up to the discount exactly, ties going to
# the earlier line as Shopify does.
mapping "line_discount" {
  input  = OrderPart
  output = "money"
  value  = <<-CEL
    (has(input.order.discount_applications)
      ? (has(input.line.discount_allocations)
        ? sum_money(input.line.discount_allocations.map(a, money(a.amount, input.order.currency)), input.order.currency)
        : money('0', input.order.currency))
      : money(input.line.?total_discount.orValue('0'), input.order.currency))
    + (is_zero(shopify.unallocated_discount(input))
      ? money('0', input.order.currency)
      : allocate(shopify.unallocated_discount(input), input.order.line_items.map(x, money(x.price, input.order.currency) * x.quantity))[input.index])
  CEL
}

# One line item, called as shopify.order_line({'order': o, 'line': l,
# 'index': i}). quantity is the quantity ordered, in EA (Shopify sells
# units); unit_price is price, before discounts; discount is
# shopify.line_discount; tax is the sum of its tax lines (without any, zero
# in payloads with *_set fields, and left out in older ones, which may put
# all tax on the order); total is
# price × quantity − discount. Every line is open (see the top of this
# file); current_quantity, fulfillable_quantity and fulfillment_status are
# kept in references.
mapping "order_line" {
  input  = OrderPart
  output = "commerce.OrderLine"
  fields = {
    line_id     = "string(input.line.id)"
    sku         = "input.line.sku"
    description = "input.line.?name.or(input.line.?title)"
    quantity    = "qty(input.line.quantity, 'EA')"
    unit_price  = "money(input.line.price, input.order.currency)"
    discount    = "shopify.line_discount(input)"
    tax         = <<-CEL
      has(input.line.tax_lines) && size(input.line.tax_lines) > 0
        ? optional.of(sum_money(input.line.tax_lines.map(t, money(t.price, input.order.currency)), input.order.currency))
        : has(input.line.price_set) ? optional.of(money('0', input.order.currency)) : optional.none()
    CEL
    total       = "money(input.line.price, input.order.currency) * input.line.quantity - shopify.line_discount(input)"
    status      = "'open'"
    product_id  = "input.line.?product_id.optMap(id, string(id))"
    variant_id  = "input.line.?variant_id.optMap(id, string(id))"
    taxes       = "has(input.line.tax_lines) ? input.line.tax_lines.map(t, shopify.tax_line({'order': input.order, 'tax_line': t})) : []"
    references  = <<-CEL
      {
        ?'current_quantity': input.line.?current_quantity.optMap(q, string(q)),
        ?'fulfillable_quantity': input.line.?fulfillable_quantity.optMap(q, string(q)),
        ?'fulfillment_status': input.line.?fulfillment_status,
        ?'variant_title': input.line.?variant_title.orValue('') != '' ? input.line.?variant_title : optional.none(),
        ?'vendor': input.line.?vendor.orValue('') != '' ? input.line.?vendor : optional.none()
      }
    CEL
  }
}

# One discount application, called as shopify.discount({'order': o,
# 'index': i}). Its amount is the sum of the discount_allocations that
# name it, on lines and shipping lines. type: discount_code → code,
# manual, automatic, script → promotion. target: shipping_line →
# shipping; a line-item discount over all lines (target_selection all, as
# an order discount code is) → order; one on chosen lines → line.
mapping "discount" {
  input  = OrderPart
  output = "commerce.Discount"
  fields = {
    code   = "input.order.discount_applications[input.index].?code"
    title  = "input.order.discount_applications[input.index].?title.or(input.order.discount_applications[input.index].?description).or(input.order.discount_applications[input.index].?code)"
    type   = "{'discount_code': 'code', 'manual': 'manual', 'automatic': 'automatic', 'script': 'promotion'}[?input.order.discount_applications[input.index].?type.orValue('')]"
    target = "input.order.discount_applications[input.index].?target_type.orValue('') == 'shipping_line' ? 'shipping' : input.order.discount_applications[input.index].?target_selection.orValue('') == 'all' ? 'order' : 'line'"
    amount = <<-CEL
      sum_money(input.order.line_items.map(l, has(l.discount_allocations)
          ? sum_money(l.discount_allocations.filter(a, a.discount_application_index == input.index).map(a, money(a.amount, input.order.currency)), input.order.currency)
          : money('0', input.order.currency)), input.order.currency)
      + (has(input.order.shipping_lines)
        ? sum_money(input.order.shipping_lines.map(s, has(s.discount_allocations)
            ? sum_money(s.discount_allocations.filter(a, a.discount_application_index == input.index).map(a, money(a.amount, input.order.currency)), input.order.currency)
            : money('0', input.order.currency)), input.order.currency)
        : money('0', input.order.currency))
    CEL
  }
}

# One discount code of an older payload (without discount_applications):
# a shipping code reduces shipping, any other the order.
mapping "discount_code" {
  input  = OrderPart
  output = "commerce.Discount"
  fields = {
    code   = "input.order.discount_codes[input.index].code"
    type   = "'code'"
    target = "input.order.discount_codes[input.index].?type.orValue('') == 'shipping' ? 'shipping' : 'order'"
    amount = "money(input.order.discount_codes[input.index].amount, input.order.currency)"
  }
}

# Every discount of the order: the discount allocations of the lines and
# shipping lines, or total_discounts in older payloads.
mapping "order_discount" {
  input  = OrderPart
  output = "money"
  value  = <<-CEL
    has(input.order.discount_applications)
      ? sum_money(input.order.line_items.map(l, has(l.discount_allocations)
            ? sum_money(l.discount_allocations.map(a, money(a.amount, input.order.currency)), input.order.currency)
            : money('0', input.order.currency)), input.order.currency)
        + (has(input.order.shipping_lines)
          ? sum_money(input.order.shipping_lines.map(s, has(s.discount_allocations)
              ? sum_money(s.discount_allocations.map(a, money(a.amount, input.order.currency)), input.order.currency)
              : money('0', input.order.currency)), input.order.currency)
          : money('0', input.order.currency))
      : money(input.order.total_discounts, input.order.currency)
  CEL
}

# An order into a canonical order: see the conventions at the top.
mapping "order" {
  input  = Order
  output = "commerce.Order"
  fields = {
    id                   = "string(input.id)"
    channel              = "'shopify'"
    status               = "has(input.cancelled_at) ? 'cancelled' : has(input.closed_at) ? 'closed' : 'open'"
    placed_at            = "parse_time(input.?processed_at.orValue(input.created_at))"
    currency             = "currency_code(input.currency)"
    presentment_currency = "input.?presentment_currency.or(input.?total_price_set.?presentment_money.?currency_code).orValue(input.currency) != input.currency ? optional.of(currency_code(input.?presentment_currency.or(input.?total_price_set.?presentment_money.?currency_code).value())) : optional.none()"
    order_number         = "input.?name"
    po_number            = "input.?po_number.orValue('') != '' ? optional.of(input.po_number) : optional.none()"
    customer             = "has(input.customer) || input.?email.orValue('') != '' ? optional.of(shopify.customer(input)) : optional.none()"
    bill_to              = "input.?billing_address.optMap(a, shopify.address(a))"
    ship_to              = "input.?shipping_address.optMap(a, shopify.address(a))"
    lines                = "shopify.line_positions(input).map(i, shopify.order_line({'order': input, 'line': input.line_items[i], 'index': i}))"
    shipping             = <<-CEL
      !has(input.shipping_lines) ? [] : input.shipping_lines.map(s, {
        ?'method': s.?title,
        'amount': money(s.price, input.currency),
        ?'discount': has(s.discount_allocations)
          ? optional.of(sum_money(s.discount_allocations.map(a, money(a.amount, input.currency)), input.currency))
          : optional.none(),
        ?'tax': has(s.tax_lines) && size(s.tax_lines) > 0
          ? optional.of(sum_money(s.tax_lines.map(t, money(t.price, input.currency)), input.currency))
          : optional.none()
      })
    CEL
    taxes                = "has(input.tax_lines) ? input.tax_lines.map(t, shopify.tax_line({'order': input, 'tax_line': t})) : []"
    discounts            = <<-CEL
      has(input.discount_applications)
        ? shopify.discount_positions(input).map(i, shopify.discount({'order': input, 'index': i}))
        : shopify.discount_code_positions(input).map(i, shopify.discount_code({'order': input, 'index': i}))
    CEL
    totals = {
      subtotal    = "sum_money(input.line_items.map(l, money(l.price, input.currency) * l.quantity), input.currency)"
      discount    = "shopify.order_discount({'order': input})"
      shipping    = "has(input.shipping_lines) ? sum_money(input.shipping_lines.map(s, money(s.price, input.currency)), input.currency) : money('0', input.currency)"
      tax         = "money(input.total_tax, input.currency)"
      grand_total = "money(input.total_price, input.currency)"
    }
    taxes_included = "input.taxes_included"
    notes          = "input.?note.orValue('') != '' ? optional.of(input.note) : optional.none()"
    references     = <<-CEL
      {
        ?'admin_graphql_api_id': input.?admin_graphql_api_id,
        ?'financial_status': input.?financial_status,
        ?'fulfillment_status': input.?fulfillment_status,
        ?'cancel_reason': input.?cancel_reason,
        ?'cancelled_at': input.?cancelled_at,
        ?'closed_at': input.?closed_at,
        ?'source_name': input.?source_name,
        ?'current_total_price': input.?current_total_price,
        ?'presentment_total_price': input.?total_price_set.?presentment_money.?currency_code.orValue(input.currency) != input.currency
          ? input.?total_price_set.?presentment_money.?amount
          : optional.none()
      }
    CEL
  }
}
