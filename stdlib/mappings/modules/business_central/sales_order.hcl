# Canonical orders into Business Central sales orders.
#
# Target: the Business Central API v2.0 (standard APIs, GA since 2021 wave
# 2), POST companies({id})/salesOrders with the lines in the same request
# (deep insert: the salesOrderLines array in the body creates the order
# and its lines in one transaction; Microsoft recommends it in "Working
# with API limits", api-reference/v2.0/dynamics-rate-limits). The settings
# are in flows/erp_business_central.hcl.
#
# What it fills:
#   - externalDocumentNumber: "<channel>:<channel order id>" (at most 35
#     characters, else INVALID_REFERENCE). The sink finds an order it may
#     already have created by it (GET salesOrders?$filter=
#     externalDocumentNumber eq '…'), and posting copies it to the sales
#     shipments and invoices, where business_central.shipment and
#     business_central.invoice read it back: the trace ERP → channel.
#   - customerNumber: vars.bc_customer_numbers[channel], else
#     vars.bc_customer_number; neither set is INVALID_SETTING.
#   - orderDate: placed_at as a date in vars.bc_time_zone.
#   - currencyCode: the order's currency, empty when it is
#     vars.bc_local_currency (Business Central writes the local currency as
#     an empty code and has no currency record for it).
#   - shipTo…/billTo…: the canonical addresses (country codes are ISO
#     alpha-2, as Business Central's standard country codes are); a company
#     name goes in …Name and the person in shipToContact. email and
#     phoneNumber from the customer.
#   - salesOrderLines, in this order:
#       two comment lines: the channel's order number (and PO number), and
#         "Transload correlation <id>": the trace channel → ERP;
#       per erp.lines line (open lines, kits by vars.erp_kits, units from
#         tables/erp_items.csv, order-level discounts allocated to the
#         lines to the cent): an Item line (lineObjectNumber = the ERP
#         item, unitOfMeasureCode = vars.bc_units[Rec 20 code] or the code
#         itself, quantity, unitPrice, discountAmount = the whole line's
#         discount, shipmentDate = ship_by), followed by a comment line
#         "Channel line <line id>, SKU <sku>": Business Central's API
#         exposes no free reference field on lines, and posting copies
#         comment lines with their sequence to shipments and invoices;
#       freight (erp.shipping_net: charges less shipping discounts), when
#         not zero: a Charge line (vars.bc_freight_charge, an item charge)
#         or else an Account line (vars.bc_freight_account, a G/L account);
#         neither set is INVALID_SETTING;
#       the channel's tax, only when vars.bc_tax_account is set and prices
#         exclude tax: one Account line per jurisdiction (order.taxes when
#         they add up to totals.tax, else one "Tax" line). Otherwise
#         Business Central computes the tax from its own tax setup.
#     Sequences: the comments 1000 and 2000, line n at n × 10000 and its
#     comment at n × 10000 + 5000, freight and tax after the last line.
#
# Arithmetic (what the tests check): Business Central computes a line's
# amount as ROUND(quantity × unitPrice) − discountAmount, with unit prices
# at vars.bc_unit_price_decimals decimals (its Unit-Amount Decimal Places,
# 5 by default). unitPrice is gross ÷ quantity rounded half up to those
# decimals, and a line whose ROUND(quantity × unitPrice) is not its exact
# gross is INVALID_MONEY, never sent off by a cent. So Σ line amounts =
# the canonical grand total − tax (Business Central adds its own tax), or
# the grand total itself with vars.bc_tax_account set (tax lines) or when
# prices include tax (the customer must then have Prices Including VAT).
#
# Cancellation: Business Central has no cancelled status for orders; an
# order not yet shipped is deleted, a part-shipped one has its remaining
# quantities set to zero. A cancelled order's document says the latter:
# every line with quantity 0 (nothing left to ship or invoice). The http
# sink cannot send it (a PATCH to salesOrders({id}), If-Match: *, line by
# line, since PATCH cannot update the salesOrderLines collection): see
# flows/erp_business_central.hcl, which dead-letters updates for a person.
import "erp" {}

type "SalesOrder" {
  schema      = "sales_order.schema.json"
  description = "A Business Central API v2.0 salesOrder with its salesOrderLines (deep insert)."
}

type "ItemLineInput" {
  schema      = "item_line_input.schema.json"
  description = "An order and one of its erp.Line lines."
}

type "CommentInput" {
  schema      = "comment_input.schema.json"
  description = "A comment line's sequence and text."
}

type "AmountLineInput" {
  schema      = "amount_line_input.schema.json"
  description = "A freight or tax line: one unit at an amount, on a G/L account or an item charge."
}

type "NextInput" {
  schema      = "next_input.schema.json"
  description = "An order and the position its next lines start at."
}

mapping "sales_order" {
  input  = erp.OrderInput
  output = "business_central.SalesOrder"
  fields = {
    externalDocumentNumber = "business_central.reference(input.order)"
    orderDate              = "format_date(input.order.placed_at, vars.bc_time_zone)"
    customerNumber         = "business_central.customer_number(input.order)"
    currencyCode           = "input.order.currency == vars.bc_local_currency ? '' : input.order.currency"
    shipToName             = "input.order.?ship_to.company.orValue('') != '' ? input.order.?ship_to.company : input.order.?ship_to.name"
    shipToContact          = "input.order.?ship_to.company.orValue('') != '' ? input.order.?ship_to.name : optional.none()"
    shipToAddressLine1     = "input.order.?ship_to.line1"
    shipToAddressLine2     = "input.order.?ship_to.line2"
    shipToCity             = "input.order.?ship_to.city"
    shipToState            = "input.order.?ship_to.region"
    shipToPostCode         = "input.order.?ship_to.postal_code"
    shipToCountry          = "input.order.?ship_to.country"
    billToName             = "input.order.?bill_to.company.orValue('') != '' ? input.order.?bill_to.company : input.order.?bill_to.name"
    billToAddressLine1     = "input.order.?bill_to.line1"
    billToAddressLine2     = "input.order.?bill_to.line2"
    billToCity             = "input.order.?bill_to.city"
    billToState            = "input.order.?bill_to.region"
    billToPostCode         = "input.order.?bill_to.postal_code"
    billToCountry          = "input.order.?bill_to.country"
    email                  = "input.order.?customer.email"
    phoneNumber            = "input.order.?customer.phone.orValue('') != '' ? input.order.?customer.phone : input.order.?ship_to.phone"
    salesOrderLines        = "business_central.lines(input)"
  }
}

# "<channel>:<channel order id>": the order's key in Business Central's
# externalDocumentNumber (Code[35]).
mapping "reference" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(r, input.channel + ':' + input.id,
      require(r, size(r) <= 35, 'INVALID_REFERENCE',
        'the channel reference ' + r + ' is longer than the 35 characters of Business Central\'s externalDocumentNumber'))
  CEL
}

# The Business Central customer an order is sold to: per channel, else the
# default; never guessed from the buyer's name.
mapping "customer_number" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(n, input.channel in vars.bc_customer_numbers ? vars.bc_customer_numbers[input.channel] : vars.bc_customer_number,
      require(n, n != '', 'INVALID_SETTING',
        'no Business Central customer for ' + input.channel + ' orders: set bc_customer_numbers["' + input.channel + '"] or bc_customer_number (flows/erp_business_central.hcl)'))
  CEL
}

# Every line of the order, in sequence.
mapping "lines" {
  input = erp.OrderInput
  value = <<-CEL
    cel.bind(o, input.order,
    cel.bind(ls, erp.lines({'order': o, 'line_discounts': true}),
      [
        business_central.comment_line({'sequence': 1000, 'text': business_central.order_text(o)}),
        business_central.comment_line({'sequence': 2000, 'text': 'Transload correlation ' + input.correlation_id})
      ]
      + ls.map(l, business_central.item_lines({'order': o, 'line': l})).flatten()
      + business_central.freight_lines({'order': o, 'next': size(ls) + 1})
      + business_central.tax_lines({'order': o, 'next': size(ls) + 2})))
  CEL
}

# The first comment: what people call the order in the channel.
mapping "order_text" {
  input = commerce.Order
  value = <<-CEL
    'Order ' + input.?order_number.orValue(input.id) + ' from ' + input.channel
      + (input.?po_number.orValue('') != '' ? ', PO ' + input.po_number : '')
      + (input.status == 'cancelled' ? ', cancelled' : '')
  CEL
}

mapping "comment_line" {
  input  = CommentInput
  output = "business_central.SalesOrder.SalesOrderLine"
  fields = {
    sequence    = "input.sequence"
    lineType    = "'Comment'"
    description = "truncate(input.text, 100)"
  }
}

# An erp.Line as an Item line and its trace comment.
mapping "item_lines" {
  input = ItemLineInput
  value = <<-CEL
    [
      business_central.item_line(input),
      business_central.comment_line({
        'sequence': input.line.?position.orValue(0) * 10000 + 5000,
        'text': business_central.line_text(input.line)
      })
    ]
  CEL
}

mapping "item_line" {
  input  = ItemLineInput
  output = "business_central.SalesOrder.SalesOrderLine"
  fields = {
    sequence          = "input.line.?position.orValue(0) * 10000"
    lineType          = "'Item'"
    lineObjectNumber  = "input.line.item"
    unitOfMeasureCode = "input.line.quantity.uom in vars.bc_units ? vars.bc_units[input.line.quantity.uom] : input.line.quantity.uom"
    quantity          = "input.order.status == 'cancelled' ? decimal('0') : input.line.quantity.value"
    unitPrice         = "business_central.unit_price(input.line)"
    discountAmount    = "input.order.status == 'cancelled' ? decimal('0') : input.line.discount.amount"
    shipmentDate      = "input.order.?ship_by.optMap(t, format_date(t, vars.bc_time_zone))"
  }
}

# "Channel line <line id>, SKU <sku>", or without the SKU when that does
# not fit a line description's 100 characters.
mapping "line_text" {
  input = erp.Line
  value = <<-CEL
    cel.bind(full, 'Channel line ' + input.line_id + ', SKU ' + input.sku,
      size(full) <= 100 ? full : truncate('Channel line ' + input.line_id, 100))
  CEL
}

# gross ÷ quantity at Business Central's unit-amount precision, provided
# Business Central's ROUND(quantity × unitPrice) gives the gross back.
mapping "unit_price" {
  input = erp.Line
  value = <<-CEL
    cel.bind(q, input.quantity.value,
      q == decimal('0') ? decimal('0') :
      cel.bind(p, round(input.gross.amount / q, vars.bc_unit_price_decimals, 'half_up'),
        require(p, money_round(q * p, input.gross.currency, 'half_up') == input.gross, 'INVALID_MONEY',
          'line ' + input.line_id + ': no unit price with ' + string(vars.bc_unit_price_decimals) + ' decimals gives '
            + format_money(input.gross) + ' for ' + format_decimal(q) + ' ' + input.quantity.uom + ' (Business Central rounds quantity × unit price)')))
  CEL
}

# Freight, when the order has any: an item charge or a G/L account line.
mapping "freight_lines" {
  input = NextInput
  value = <<-CEL
    cel.bind(net, erp.shipping_net(input.order),
      is_zero(net) ? [] : [business_central.amount_line({
        'order': input.order,
        'sequence': input.next * 10000,
        'line_type': vars.bc_freight_charge != '' ? 'Charge' : 'Account',
        'number': require(vars.bc_freight_charge != '' ? vars.bc_freight_charge : vars.bc_freight_account,
          vars.bc_freight_charge != '' || vars.bc_freight_account != '', 'INVALID_SETTING',
          'the order has ' + format_money(net) + ' of freight and neither bc_freight_charge nor bc_freight_account is set (flows/erp_business_central.hcl)'),
        'description': 'Freight' + (has(input.order.shipping) && size(input.order.shipping) > 0 && input.order.shipping[0].?method.orValue('') != ''
          ? ': ' + input.order.shipping[0].method : ''),
        'amount': net
      })])
  CEL
}

# The channel's tax as G/L account lines, by jurisdiction, when
# vars.bc_tax_account says so.
mapping "tax_lines" {
  input = NextInput
  value = <<-CEL
    vars.bc_tax_account == '' || input.order.?taxes_included.orValue(false) ? [] :
      business_central.tax_parts(input.order).transformList(i, t, business_central.amount_line({
        'order': input.order,
        'sequence': (input.next + i) * 10000,
        'line_type': 'Account',
        'number': vars.bc_tax_account,
        'description': t.title + (t.?jurisdiction.orValue('') != '' ? ' (' + t.jurisdiction + ')' : ''),
        'amount': t.amount
      }))
  CEL
}

# The order's tax by jurisdiction: order.taxes when they add up to
# totals.tax, else one "Tax" entry; nothing when the tax is zero.
mapping "tax_parts" {
  input = commerce.Order
  value = <<-CEL
    is_zero(input.totals.tax) ? [] :
      has(input.taxes) && size(input.taxes) > 0
        && sum_money(input.taxes.map(t, t.amount), input.currency) == input.totals.tax
        ? dyn(input.taxes.filter(t, !is_zero(t.amount)))
        : dyn([{'title': 'Tax', 'amount': input.totals.tax}])
  CEL
}

mapping "amount_line" {
  input  = AmountLineInput
  output = "business_central.SalesOrder.SalesOrderLine"
  fields = {
    sequence         = "input.sequence"
    lineType         = "input.line_type"
    lineObjectNumber = "input.number"
    description      = "truncate(input.description, 100)"
    quantity         = "input.order.status == 'cancelled' ? decimal('0') : decimal('1')"
    unitPrice        = "input.amount.amount"
  }
}

# The query part that finds an order by its reference:
# $filter=externalDocumentNumber eq '<channel>:<id>', the OData literal's
# quotes doubled and the URL's special characters percent-encoded.
mapping "find_filter" {
  input = commerce.Order
  value = <<-CEL
    '$filter=externalDocumentNumber%20eq%20%27' + replace(replace(replace(replace(replace(replace(
      business_central.reference(input), '%', '%25'), ' ', '%20'), '#', '%23'), '&', '%26'), '+', '%2B'), "'", '%27%27') + '%27'
  CEL
}
