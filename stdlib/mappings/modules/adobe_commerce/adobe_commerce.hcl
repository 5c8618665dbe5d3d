# Adobe Commerce (Magento 2) sales orders into the canonical model.
#
# What this module reads is the order object of the REST API
# (GET /V1/orders/{id}, Magento\Sales\Api\Data\OrderInterface), which is
# also what Adobe Commerce webhooks and I/O events carry for an order once
# it is taken out of their envelope (see order.schema.json).
#
# Money: amounts are JSON numbers. The canonical currency is
# base_currency_code and every amount is read from its base_ field: the
# base currency is what the store books, reports and (by default) charges.
# When the buyer saw another currency (order_currency_code), it is the
# presentment_currency. money() refuses an amount with more decimals than
# the currency has (INVALID_MONEY); nothing is rounded here.
#
# Dates: created_at is "YYYY-MM-DD HH:MM:SS" in UTC without a zone (Magento
# stores UTC and converts only for display), read as that UTC instant.

type "Order" {
  schema      = "order.schema.json"
  description = "An Adobe Commerce (Magento 2) sales order, as GET /V1/orders/{id} returns it."
}

type "LineInput" {
  schema      = "line_input.schema.json"
  description = "One order item with the order's base currency and the item's children: what adobe_commerce.line reads."
}

# An address. street is a list of one to four lines. The region is
# region_code when Magento has one (TX), else the region's name.
mapping "address" {
  input  = Order.Address
  output = "commerce.Address"
  fields = {
    name        = "trim((has(input.firstname) ? input.firstname : '') + ' ' + (has(input.lastname) ? input.lastname : '')) != '' ? optional.of(trim((has(input.firstname) ? input.firstname : '') + ' ' + (has(input.lastname) ? input.lastname : ''))) : optional.none()"
    company     = "input.?company.orValue('') != '' ? optional.of(input.company) : optional.none()"
    line1       = "has(input.street) && size(input.street) > 0 && input.street[0] != '' ? optional.of(input.street[0]) : optional.none()"
    line2       = "has(input.street) && size(input.street) > 1 && input.street[1] != '' ? optional.of(input.street[1]) : optional.none()"
    line3       = "has(input.street) && size(input.street) > 2 && input.street[2] != '' ? optional.of(input.street[2]) : optional.none()"
    city        = "input.?city.orValue('') != '' ? optional.of(input.city) : optional.none()"
    region      = "input.?region_code.orValue('') != '' ? optional.of(input.region_code) : input.?region.orValue('') != '' ? optional.of(input.region) : optional.none()"
    postal_code = "input.?postcode.orValue('') != '' ? optional.of(input.postcode) : optional.none()"
    country     = "country_code(input.country_id)"
    phone       = "input.?telephone.orValue('') != '' ? optional.of(input.telephone) : optional.none()"
    email       = "input.?email.orValue('') != '' ? optional.of(input.email) : optional.none()"
  }
}

# One order item into one line. The order mapping never passes the simple
# child of a configurable product: the configurable parent is the one line
# of that product (Magento already gives it the child's SKU, and the price,
# discount and tax), with variant_id the child's product id.
#
# A bundle follows the kit convention: the bundle item is the kit line and
# carries the price, discount and tax (Magento sums its children's into it
# when they are priced dynamically); each component item is a line with
# kit_parent the kit's item_id, unit_price 0 and total 0, so that nothing is
# counted twice.
#
# Discounts come per item from Magento (base_discount_amount, positive), so
# nothing is allocated here; with prices including tax, the tax part of the
# discount (base_discount_tax_compensation_amount) is taken out, leaving the
# discount excluding tax. Cancelled quantities: a line whose whole quantity
# is cancelled (qty_canceled = qty_ordered) is cancelled, with its ordered
# quantity; otherwise its quantity is what is still ordered,
# qty_ordered − qty_canceled, and its total is that quantity × unit_price −
# discount.
mapping "line" {
  input  = LineInput
  output = "commerce.OrderLine"
  fields = {
    line_id     = "string(input.item.item_id)"
    sku         = "input.item.sku"
    description = "input.item.?name"
    quantity    = "is_zero(input.item.qty_ordered - input.item.?qty_canceled.orValue(decimal('0'))) ? qty(input.item.qty_ordered, 'EA') : qty(input.item.qty_ordered - input.item.?qty_canceled.orValue(decimal('0')), 'EA')"
    unit_price  = "has(input.item.parent_item_id) ? money(0, input.currency) : money(input.item.base_price, input.currency)"
    discount    = "has(input.item.parent_item_id) ? optional.none() : optional.of(money(input.item.?base_discount_amount.orValue(decimal('0')), input.currency) - money(input.item.?base_discount_tax_compensation_amount.orValue(decimal('0')), input.currency))"
    tax         = "has(input.item.parent_item_id) ? optional.none() : optional.of(money(input.item.?base_tax_amount.orValue(decimal('0')), input.currency))"
    total       = <<-CEL
      has(input.item.parent_item_id)
        ? money(0, input.currency)
        : money(input.item.base_price, input.currency)
            * (is_zero(input.item.qty_ordered - input.item.?qty_canceled.orValue(decimal('0')))
                ? input.item.qty_ordered
                : input.item.qty_ordered - input.item.?qty_canceled.orValue(decimal('0')))
          - money(input.item.?base_discount_amount.orValue(decimal('0')), input.currency)
          + money(input.item.?base_discount_tax_compensation_amount.orValue(decimal('0')), input.currency)
    CEL
    status      = "is_zero(input.item.qty_ordered - input.item.?qty_canceled.orValue(decimal('0'))) ? 'cancelled' : 'open'"
    kit_parent  = "input.item.?parent_item_id.optMap(id, string(id))"
    product_id  = "input.item.?product_id.optMap(id, string(id))"
    variant_id  = "input.item.?product_type.orValue('') == 'configurable' && has(input.children) && size(input.children) > 0 && has(input.children[0].product_id) ? optional.of(string(input.children[0].product_id)) : optional.none()"
    references  = "{?'product_type': input.item.?product_type}"
  }
}

# A sales order into a canonical order.
#   - id is entity_id (unique in the instance; increment_id is unique per
#     store view only) and order_number is increment_id.
#   - status: state canceled is cancelled; complete and closed (refunded)
#     are closed; new, pending_payment, processing, holded and
#     payment_review are open.
#   - lines: one per ordered product (see mapping line): every item except
#     the simple children of configurable items.
#   - totals are in the base currency and are what remains after
#     cancellations, as Magento states them: subtotal = base_subtotal −
#     base_subtotal_canceled; discount = |base_discount_amount| −
#     |base_discount_canceled| − the tax compensations (the tax part of a
#     discount on prices including tax, which Magento's grand total adds
#     back; on a canceled order the whole discount is cancelled, so nothing
#     is taken out); shipping = base_shipping_amount −
#     base_shipping_canceled; tax = base_tax_amount − base_tax_canceled;
#     grand_total = base_grand_total − base_total_canceled. A canceled
#     order therefore has cancelled lines and zero totals. One case is
#     left to a person: an order cancelled after a partial invoice whose
#     discount had a tax compensation does not say how much of the
#     compensation was cancelled, and dead-letters as TOTALS_MISMATCH
#     rather than being guessed.
#   - applied_taxes (the order's tax rates) are not mapped: each line
#     carries its tax, and totals.tax all of it.
#   - ship_to is the address of the first shipping assignment; a virtual
#     order has none. The shipping line is what remains after a
#     cancellation too; its tax is left out once the shipping is cancelled
#     (Magento does not say how much of tax_canceled was shipping tax).
#   - po_number is the payment's po_number (the Purchase Order method).
mapping "order" {
  input  = Order
  output = "commerce.Order"
  fields = {
    id                   = "string(input.entity_id)"
    channel              = "'adobe_commerce'"
    status               = "input.state == 'canceled' ? 'cancelled' : input.state in ['complete', 'closed'] ? 'closed' : 'open'"
    placed_at            = "parse_time(replace(trim(input.created_at), ' ', 'T') + 'Z')"
    currency             = "currency_code(input.base_currency_code)"
    presentment_currency = "input.?order_currency_code.orValue(input.base_currency_code) != input.base_currency_code ? optional.of(currency_code(input.order_currency_code)) : optional.none()"
    order_number         = "input.increment_id"
    po_number            = "input.?payment.?po_number.orValue('') != '' ? optional.of(input.payment.po_number) : optional.none()"
    customer = {
      id         = "input.?customer_id.optMap(id, string(id))"
      email      = "input.?customer_email.orValue('') != '' ? optional.of(input.customer_email) : optional.none()"
      first_name = "input.?customer_firstname.orValue('') != '' ? optional.of(input.customer_firstname) : optional.none()"
      last_name  = "input.?customer_lastname.orValue('') != '' ? optional.of(input.customer_lastname) : optional.none()"
      name       = "has(input.customer_firstname) && has(input.customer_lastname) ? optional.of(trim(input.customer_firstname + ' ' + input.customer_lastname)) : adobe_commerce.address(input.billing_address).?name"
      phone      = "input.billing_address.?telephone.orValue('') != '' ? optional.of(input.billing_address.telephone) : optional.none()"
      company    = "input.billing_address.?company.orValue('') != '' ? optional.of(input.billing_address.company) : optional.none()"
      tax_id     = "input.?customer_taxvat.orValue('') != '' ? optional.of(input.customer_taxvat) : optional.none()"
    }
    bill_to   = "adobe_commerce.address(input.billing_address)"
    ship_to   = "input.?extension_attributes.?shipping_assignments[?0].?shipping.?address.optMap(a, adobe_commerce.address(a))"
    lines     = <<-CEL
      input.items
        .filter(i, !has(i.parent_item_id) || !input.items.exists(p, p.item_id == i.parent_item_id && p.?product_type.orValue('') == 'configurable'))
        .map(i, adobe_commerce.line({
          'item': i,
          'currency': input.base_currency_code,
          'children': input.items.filter(c, has(c.parent_item_id) && c.parent_item_id == i.item_id)
        }))
    CEL
    shipping  = <<-CEL
      has(input.base_shipping_amount)
        ? [{
            ?'method': input.?shipping_description,
            'amount': money(input.base_shipping_amount, input.base_currency_code)
              - money(input.?base_shipping_canceled.orValue(decimal('0')), input.base_currency_code),
            ?'discount': is_zero(input.?base_shipping_discount_amount.orValue(decimal('0'))) ? optional.none()
              : optional.of(money(input.base_shipping_discount_amount, input.base_currency_code)),
            ?'tax': is_zero(input.base_shipping_amount - input.?base_shipping_canceled.orValue(decimal('0'))) ? optional.none()
              : input.?base_shipping_tax_amount.optMap(t, money(t, input.base_currency_code))
          }]
        : []
    CEL
    discounts = <<-CEL
      is_zero(abs(money(input.?base_discount_amount.orValue(decimal('0')), input.base_currency_code))
          - abs(money(input.?base_discount_canceled.orValue(decimal('0')), input.base_currency_code)))
        ? []
        : [{
            ?'code': input.?coupon_code,
            ?'title': input.?discount_description,
            'type': has(input.coupon_code) ? 'code' : 'automatic',
            'target': 'order',
            'amount': abs(money(input.base_discount_amount, input.base_currency_code))
              - abs(money(input.?base_discount_canceled.orValue(decimal('0')), input.base_currency_code))
              - (input.state == 'canceled' ? money(0, input.base_currency_code)
                  : money(input.?base_discount_tax_compensation_amount.orValue(decimal('0')), input.base_currency_code)
                    + money(input.?base_shipping_discount_tax_compensation_amnt.orValue(decimal('0')), input.base_currency_code))
          }]
    CEL
    totals = {
      subtotal    = "money(input.base_subtotal, input.base_currency_code) - money(input.?base_subtotal_canceled.orValue(decimal('0')), input.base_currency_code)"
      discount    = <<-CEL
        abs(money(input.?base_discount_amount.orValue(decimal('0')), input.base_currency_code))
        - abs(money(input.?base_discount_canceled.orValue(decimal('0')), input.base_currency_code))
        - (input.state == 'canceled' ? money(0, input.base_currency_code)
            : money(input.?base_discount_tax_compensation_amount.orValue(decimal('0')), input.base_currency_code)
              + money(input.?base_shipping_discount_tax_compensation_amnt.orValue(decimal('0')), input.base_currency_code))
      CEL
      shipping    = "money(input.?base_shipping_amount.orValue(decimal('0')), input.base_currency_code) - money(input.?base_shipping_canceled.orValue(decimal('0')), input.base_currency_code)"
      tax         = "money(input.?base_tax_amount.orValue(decimal('0')), input.base_currency_code) - money(input.?base_tax_canceled.orValue(decimal('0')), input.base_currency_code)"
      grand_total = "money(input.base_grand_total, input.base_currency_code) - money(input.?base_total_canceled.orValue(decimal('0')), input.base_currency_code)"
    }
    taxes_included = false
    notes          = "input.?customer_note.orValue('') != '' ? optional.of(input.customer_note) : optional.none()"
    references     = "{'increment_id': input.increment_id, 'state': input.state, ?'status': input.?status, ?'payment_method': input.?payment.?method}"
  }
}
