# Canonical orders into NetSuite sales orders: the body of the SuiteTalk
# REST record API (record/v1) upsert
#
#   PUT {erp_url}/salesOrder/eid:{externalId}      (erp_url = …/services/rest/record/v1)
#
# which creates the order the first time and updates it afterwards, so a
# retried, replayed or updated order never makes a second one. The sink is
# in flows/erp_netsuite.hcl; the variables vars.netsuite_* are declared
# there, with their defaults and descriptions.
#
# What is filled (sales_order.schema.json has the field list):
#   externalId         <channel>-<order id> (netsuite.external_id): the upsert
#                      key. External ids allow only letters, digits, _ and -,
#                      so "shopify:450789469" cannot be one; an id with other
#                      characters is replaced by a hash of it.
#   entity             the customer: vars.netsuite_channel_customers[channel]
#                      (one customer per marketplace), else
#                      vars.netsuite_customer_id; left out when neither is set
#                      (then only the outbox can take the document: the
#                      variable's validation refuses to send to NetSuite).
#   tranDate           placed_at's calendar day in vars.netsuite_timezone.
#   otherRefNum        the buyer's PO number, else the channel's order number,
#                      else its id: what people search for.
#   memo               "Transload <correlation id>": the message to look up in
#                      Transload's logs and dead letters.
#   custbody_tl_channel, custbody_tl_order_id
#                      the channel and its order id, exact: the way back from
#                      NetSuite (netsuite.shipment, netsuite.invoice read them
#                      from fulfillments and invoices, to which NetSuite
#                      copies body fields applied to those forms).
#   currency           {id} from vars.netsuite_currencies (ISO code → internal
#                      id) when that map is set, and then a currency it lacks
#                      is UNKNOWN_CURRENCY; when it is empty the customer's
#                      currency applies, which must be the order's.
#   subsidiary, location, department, class, customForm, orderStatus,
#   shipMethod         from the variables of the same name, when set.
#   shippingAddress, billingAddress
#                      custom address subrecords (netsuite.address).
#   shippingCost       freight less shipping discounts (erp.shipping_net),
#                      always sent, 0 included, so that the shipping item's
#                      own rate never adds a charge the buyer did not pay.
#   item.items         the lines, below.
#
# Discounts. NetSuite has no discount column on an item line; a header
# discount (discountItem/discountRate) is one amount for the whole order,
# which partial invoices do not prorate. So by default the order-level
# discount is allocated to the lines to the cent (erp.lines with
# line_discounts) and each line is sent at its net amount, rate = amount /
# quantity (6 decimals). With vars.netsuite_discount_item set, the lines
# carry only their own discounts and the order-level discount is the header
# discount: discountItem {id} and discountRate = −discount (NetSuite
# subtracts a negative rate as an amount).
#
# Tax. REST web services support SuiteTax only, and tax codes are the
# account's: none is sent, none is invented. NetSuite computes the tax from
# the ship-to address, the items and the customer. The channel's tax is
# kept for comparison in custbody_tl_tax_total and, with its jurisdictions,
# in custbody_tl_tax_detail, one tax per line:
#   <where>|<title>|<jurisdiction>|<rate>|<amount> <currency>
# where is "order" for the order's taxes (or "line <line id>" when only the
# lines carry them), and a last line "total||||<tax total>" (the only one
# for channels that give no tax lines). An order whose prices include tax
# (taxes_included) says so on the first line; NetSuite must then be set up to treat the
# rates as tax-inclusive, or its total will exceed the channel's.
#
# What NetSuite computes from this body: subtotal = Σ item amounts; total
# = subtotal + discountRate + shippingCost + its own tax. With NetSuite's
# tax equal to custbody_tl_tax_total, total is the channel's grand total
# (the tests check that to the cent for every corpus order).
#
# Lines. item.items is keyed by line (a keyed sublist: on an update a line
# whose line matches is updated, any other is added). Every line carries
# line = its place, from 1, among the lines NetSuite gets: the open lines
# erp.lines sends (kits by vars.erp_kits, units from tables/erp_items.csv)
# and, in their place, the cancelled ones, so that a line cancelled later
# keeps its number and the others theirs. NetSuite numbers the item lines
# of a new transaction 1, 2, 3… in the order sent (the DevRel update
# example addresses the first line as line 1), so these are its own keys.
# Lines removed by hand in NetSuite break that (an update would then add
# lines): close lines of integrated orders, never delete them. A line:
#   item       {id} when tables/erp_items.csv gives the SKU an item (its
#              internal id), else {externalId: SKU}: the item whose external
#              id is the SKU.
#   quantity   in the item's sale unit (erp.lines converts to it; units is
#              not sent, so the erp_items unit must be the item's sale unit).
#   rate, amount, price {id: "-1"} (Custom: the rate sent is the price),
#   description, and the channel's line id in the custom column
#              vars.netsuite_line_id_field (custcol_tl_channel_line_id).
# A cancelled line is sent closed (isClosed true) with rate and amount 0: it
# counts in no total, holds its number on a new order and closes the line on
# an update.
#
# Cancellation. NetSuite cancels an order it has by closing every line:
# when the channel cancels the order (status cancelled, which erp_orders
# delivers only as an update of an order NetSuite has), item.items is
# {line, isClosed: true} for every line NetSuite got, and nothing else of
# the lines changes (fulfilled quantities stay fulfilled).

import "erp" {}

type "SalesOrder" {
  schema      = "sales_order.schema.json"
  description = "The NetSuite REST record API (record/v1) salesOrder create/upsert body."
}

type "OrderRef" {
  schema      = "order_ref.schema.json"
  description = "A channel and a document id: what netsuite.external_id reads."
}

type "LineInput" {
  schema      = "line_input.schema.json"
  description = "One erp.Line and its key in the NetSuite item sublist."
}

type "ClosedLineInput" {
  schema      = "closed_line_input.schema.json"
  description = "One cancelled canonical line and its key in the NetSuite item sublist."
}

# The external id of a channel document: <channel>-<id> when the id is
# made of letters, digits, _ and - (what NetSuite allows), else
# <channel>-x<the first 40 hex digits of the id's SHA-256>. Channel names
# have no hyphen, so the first one ends the channel.
mapping "external_id" {
  input = OrderRef
  value = <<-CEL
    input.id.matches('^[A-Za-z0-9_-]+$')
      ? input.channel + '-' + input.id
      : input.channel + '-x' + substr(sha256_hex(input.id), 0, 40)
  CEL
}

# A canonical address as a NetSuite address subrecord. The company is the
# addressee and the person the attention when both are given; the country
# is the ISO code the REST record API takes.
mapping "address" {
  input  = commerce.Address
  output = "netsuite.SalesOrder.Address"
  fields = {
    addressee = "has(input.company) ? optional.of(input.company) : input.?name"
    attention = "has(input.company) ? input.?name : optional.none()"
    addr1     = "input.?line1"
    addr2     = "input.?line2"
    addr3     = "input.?line3"
    city      = "input.?city"
    state     = "input.?region"
    zip       = "input.?postal_code"
    country   = "input.country"
    addrPhone = "input.?phone"
  }
}

# The item reference of a SKU: its internal id from tables/erp_items.csv,
# else the item whose external id is the SKU.
mapping "item_ref" {
  input  = string
  output = "netsuite.SalesOrder.Ref"
  value  = <<-CEL
    lookup_value(tables.erp_items, input, 'item', '') != ''
      ? {'id': lookup_value(tables.erp_items, input, 'item', '')}
      : {'externalId': input}
  CEL
}

# An open line: the amounts of erp.lines, exact; rate is amount / quantity.
mapping "item_line" {
  input  = LineInput
  output = "netsuite.SalesOrder.Item"
  value  = <<-CEL
    {
      'line': input.number,
      'item': netsuite.item_ref(input.line.sku),
      'quantity': input.line.quantity.value,
      'rate': is_zero(input.line.quantity.value) ? decimal('0') : round(input.line.amount.amount / input.line.quantity.value, 6),
      'amount': input.line.amount.amount,
      'price': {'id': '-1'},
      ?'description': input.line.?description,
      vars.netsuite_line_id_field: input.line.line_id
    }
  CEL
}

# A line the channel cancelled, in an order it did not cancel: closed, at
# no amount, in its ordered quantity (in the ERP unit).
mapping "closed_line" {
  input  = ClosedLineInput
  output = "netsuite.SalesOrder.Item"
  value  = <<-CEL
    {
      'line': input.number,
      'item': netsuite.item_ref(input.line.sku),
      'quantity': erp.quantity(input.line).value,
      'rate': decimal('0'),
      'amount': decimal('0'),
      'price': {'id': '-1'},
      'isClosed': true,
      vars.netsuite_line_id_field: input.line.line_id
    }
  CEL
}

# The item sublist: see "Lines" and "Cancellation" above. NetSuite gets
# an open line when erp.lines sends it, a cancelled line (or any line of a
# cancelled order) when the kit rule of vars.erp_kits would send it; the
# lines it gets are numbered from 1.
mapping "item_lines" {
  input = erp.OrderInput
  value = <<-CEL
    cel.bind(o, input.order,
    cel.bind(sent, erp.lines({'order': o, 'line_discounts': vars.netsuite_discount_item == ''}).transformMapEntry(i, s, {s.line_id: s}),
    cel.bind(kits, o.lines.filter(c, has(c.kit_parent)).map(c, c.kit_parent).distinct().transformMapEntry(i, k, {k: true}),
      o.lines
        .filter(l, o.status == 'cancelled' || l.status == 'cancelled'
          ? (vars.erp_kits == 'components' ? !(l.line_id in kits) : !has(l.kit_parent))
          : l.line_id in sent)
        .transformList(i, l,
          o.status == 'cancelled'
            ? dyn({'line': i + 1, 'isClosed': true, vars.netsuite_line_id_field: l.line_id})
            : l.status == 'cancelled'
              ? dyn(netsuite.closed_line({'line': l, 'number': i + 1}))
              : dyn(netsuite.item_line({'line': sent[l.line_id], 'number': i + 1}))))))
  CEL
}

# One tax as a line of custbody_tl_tax_detail.
mapping "tax_text" {
  input = commerce.TaxLine
  value = "input.title + '|' + input.?jurisdiction.orValue('') + '|' + input.?rate.optMap(r, format_decimal(r)).orValue('') + '|' + format_money(input.amount)"
}

# A line's taxes as lines of custbody_tl_tax_detail.
mapping "line_tax_texts" {
  input = commerce.OrderLine
  value = "input.?taxes.orValue([]).map(t, 'line ' + input.line_id + '|' + netsuite.tax_text(t))"
}

# The channel's taxes with their jurisdictions: see "Tax" above.
mapping "tax_detail" {
  input = commerce.Order
  value = <<-CEL
    join(
      (input.?taxes_included.orValue(false) ? ['prices include tax'] : [])
      + (has(input.taxes) && size(input.taxes) > 0
        ? input.taxes.map(t, 'order|' + netsuite.tax_text(t))
        : input.lines.filter(l, l.status == 'open' && has(l.taxes)).map(l, netsuite.line_tax_texts(l)).flatten())
      + (is_zero(input.totals.tax) ? [] : ['total||||' + format_money(input.totals.tax)]),
      '\n')
  CEL
}

# The customer: see "entity" above.
mapping "customer_ref" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(id, input.channel in vars.netsuite_channel_customers ? vars.netsuite_channel_customers[input.channel] : vars.netsuite_customer_id,
      id != '' ? optional.of({'id': id}) : optional.none())
  CEL
}

# A reference from a variable holding an internal id, left out when empty.
mapping "var_ref" {
  input = string
  value = "input != '' ? optional.of({'id': input}) : optional.none()"
}

mapping "sales_order" {
  input  = erp.OrderInput
  output = "netsuite.SalesOrder"
  fields = {
    externalId             = "netsuite.external_id({'channel': input.order.channel, 'id': input.order.id})"
    entity                 = "netsuite.customer_ref(input.order)"
    tranDate               = "format_date(input.order.placed_at, vars.netsuite_timezone)"
    otherRefNum            = "input.order.?po_number.orValue(input.order.?order_number.orValue(input.order.id))"
    memo                   = "'Transload ' + input.correlation_id"
    email                  = "input.order.?customer.?email"
    customForm             = "vars.netsuite_custom_form != '' ? optional.of(vars.netsuite_custom_form) : optional.none()"
    orderStatus            = "vars.netsuite_order_status != '' ? optional.of(vars.netsuite_order_status) : optional.none()"
    currency               = <<-CEL
      size(vars.netsuite_currencies) == 0 ? optional.none() : optional.of({'id': require(
        vars.netsuite_currencies[?input.order.currency].orValue(''), vars.netsuite_currencies[?input.order.currency].orValue('') != '',
        'UNKNOWN_CURRENCY', 'the variable netsuite_currencies has no NetSuite currency for ' + input.order.currency)})
    CEL
    subsidiary             = "netsuite.var_ref(vars.netsuite_subsidiary)"
    location               = "netsuite.var_ref(vars.netsuite_location)"
    department             = "netsuite.var_ref(vars.netsuite_department)"
    class                  = "netsuite.var_ref(vars.netsuite_class)"
    shipMethod             = "netsuite.var_ref(vars.netsuite_ship_method)"
    shippingCost           = "erp.shipping_net(input.order).amount"
    discountItem           = "vars.netsuite_discount_item != '' && !is_zero(erp.order_discount(input.order)) ? optional.of({'id': vars.netsuite_discount_item}) : optional.none()"
    discountRate           = "vars.netsuite_discount_item != '' && !is_zero(erp.order_discount(input.order)) ? optional.of(-erp.order_discount(input.order).amount) : optional.none()"
    shippingAddress        = "input.order.?ship_to.optMap(a, netsuite.address(a))"
    billingAddress         = "input.order.?bill_to.optMap(a, netsuite.address(a))"
    custbody_tl_channel    = "input.order.channel"
    custbody_tl_order_id   = "input.order.id"
    custbody_tl_tax_total  = "input.order.totals.tax.amount"
    custbody_tl_tax_detail = "cel.bind(t, netsuite.tax_detail(input.order), t != '' ? optional.of(t) : optional.none())"
    item = {
      items = "netsuite.item_lines(input)"
    }
  }
}
