# NetSuite records into the canonical model: what goes back to the
# channels (shipments, invoices) and what enriches the tables (inventory,
# customers, items with prices). Each reads the record as the REST record
# API v1 returns it to GET /services/rest/record/v1/<record>/{id}
# ?expandSubResources=true (sublists and subrecords inline).
#
# The way back to the channel. netsuite.sales_order writes the channel and
# its order id in the body fields custbody_tl_channel and
# custbody_tl_order_id, and each line's channel line id in the column
# vars.netsuite_line_id_field (custcol_tl_channel_line_id). Applied to Item
# Fulfillment and Invoice (flows/erp_netsuite.hcl says how), NetSuite
# copies them to the fulfillments and invoices it makes from the order, so
# these mappings read them there: channel, order_id and lines[].line_id.
# The order's internal id (createdFrom) is kept in
# references.netsuite_sales_order_id for a flow that must look the order
# up when a record lacks them, and each line's order line in
# references["orderLine:<line id>"] (what netsuite.fulfillment_transform
# and netsuite.invoice_transform read).
#
# Dates are calendar days of the account (vars.netsuite_timezone); a date
# is the instant that day starts there. Quantities are in the unit NetSuite
# sells the item in: the erp_items.csv unit of the SKU (then base_quantity
# converts back to the base unit of items.csv), else the base unit of
# items.csv, else, with unknown_sku = "each", EA; otherwise UNKNOWN_SKU. A
# SKU is the item's name (item refName, itemId), which is the channel SKU
# where NetSuite items are named by SKU.
#
# Currencies. A transaction's currency is its currencySymbol (an ISO
# code), else the code vars.netsuite_currencies gives its currency's
# internal id; an item price's currency is the code netsuite_currencies
# gives its currencyPage, and a price in a currency not listed is left
# out. Money is exact: an amount with more decimals than the currency has
# fails with INVALID_MONEY, except an invoice line's unit price (NetSuite
# keeps rates to more decimals), which is the rate rounded half-even to the
# currency: the line total stays NetSuite's amount, and the line discount
# is unit price × quantity − amount when that is positive.

type "RecordAddress" {
  schema      = "record_address.schema.json"
  description = "The address subrecord of a NetSuite record, as GET returns it."
}

type "ItemFulfillment" {
  schema      = "item_fulfillment.schema.json"
  description = "A NetSuite itemFulfillment as GET …/itemFulfillment/{id}?expandSubResources=true returns it."
}

type "Invoice" {
  schema      = "invoice.schema.json"
  description = "A NetSuite invoice as GET …/invoice/{id}?expandSubResources=true returns it."
}

type "Customer" {
  schema      = "customer.schema.json"
  description = "A NetSuite customer as GET …/customer/{id} returns it."
}

type "InventoryItem" {
  schema      = "inventory_item.schema.json"
  description = "A NetSuite inventoryItem as GET …/inventoryItem/{id}?expandSubResources=true returns it, with its price and locations sublists."
}

type "InventoryBalance" {
  schema      = "inventory_balance.schema.json"
  description = "One inventory item at one of its locations."
}

type "ErpQuantityInput" {
  schema      = "erp_quantity_input.schema.json"
  description = "A SKU and a quantity in the unit NetSuite counts it in."
}

type "CanonicalQuantity" {
  schema      = "canonical_quantity.schema.json"
  description = "A NetSuite quantity in canonical units."
}

type "InvoiceLineInput" {
  schema      = "invoice_line_input.schema.json"
  description = "One NetSuite invoice line and the invoice's currency."
}

type "TaxInput" {
  schema      = "tax_input.schema.json"
  description = "An invoice's SuiteTax details and one tax code among them."
}

type "PriceInput" {
  schema      = "price_input.schema.json"
  description = "The price rows of a NetSuite item."
}

# The code of a select field, which NetSuite gives as {id, refName} or as
# the bare code.
mapping "code" {
  input = any
  value = "type(input) == string ? string(input) : string(input.id)"
}

# A NetSuite address as a canonical one; the addressee is the company
# when an attention (a person) is given too, else the name: the inverse
# of netsuite.address.
mapping "canonical_address" {
  input  = RecordAddress
  output = "commerce.Address"
  fields = {
    name        = "has(input.attention) ? input.?attention : input.?addressee"
    company     = "has(input.attention) ? input.?addressee : optional.none()"
    line1       = "input.?addr1"
    line2       = "input.?addr2"
    line3       = "input.?addr3"
    city        = "input.?city"
    region      = "input.?state"
    postal_code = "input.?zip"
    country     = "country_code(netsuite.code(input.country))"
    phone       = "input.?addrPhone"
  }
}

# The unit a SKU's NetSuite quantities are in: see above.
mapping "erp_unit" {
  input = string
  value = <<-CEL
    lookup_value(tables.erp_items, input, 'uom', '') != '' ? lookup_value(tables.erp_items, input, 'uom', '')
      : lookup_value(tables.items, input, 'base_uom', '') != '' ? lookup_value(tables.items, input, 'base_uom', '')
      : require('EA', vars.unknown_sku == 'each', 'UNKNOWN_SKU',
          'SKU ' + input + ' is in neither tables/erp_items.csv nor tables/items.csv: its NetSuite unit is unknown')
  CEL
}

# A NetSuite quantity in canonical units.
mapping "canonical_quantity" {
  input  = ErpQuantityInput
  output = "netsuite.CanonicalQuantity"
  fields = {
    quantity      = "qty(input.value, netsuite.erp_unit(input.sku))"
    base_quantity = <<-CEL
      lookup_value(tables.erp_items, input.sku, 'uom', '') != '' && lookup_value(tables.items, input.sku, 'base_uom', '') != ''
        ? optional.of(qty(input.value * decimal(lookup_value(tables.erp_items, input.sku, 'base_units', '1')), lookup_value(tables.items, input.sku, 'base_uom', '')))
        : optional.none()
    CEL
  }
}

# The channel line id a NetSuite line carries in the custom column
# vars.netsuite_line_id_field, if any.
mapping "channel_line_id" {
  input = any
  value = "dyn(input)[?vars.netsuite_line_id_field].optMap(v, string(v)).orValue('')"
}

# One fulfilled line.
mapping "shipment_line" {
  input  = ItemFulfillment.Line
  output = "commerce.ShipmentLine"
  value  = <<-CEL
    cel.bind(id, netsuite.channel_line_id(input),
    cel.bind(q, netsuite.canonical_quantity({'sku': input.item.refName, 'value': input.quantity}),
      {
        ?'line_id': id != '' ? optional.of(id) : optional.none(),
        'sku': input.item.refName,
        'quantity': q.quantity,
        ?'base_quantity': q.?base_quantity
      }))
  CEL
}

# A NetSuite item fulfillment as a canonical shipment: the lines it ships
# (itemReceive not false), its packages' tracking numbers, its shipping
# item as the service, and the channel, order and line ids netsuite
# .sales_order wrote (see above). status is shipStatus as a word: picked,
# packed or shipped.
mapping "shipment" {
  input  = ItemFulfillment
  output = "commerce.Shipment"
  fields = {
    id         = "input.?tranId.orValue(input.id)"
    order_id   = "input.?custbody_tl_order_id"
    channel    = "input.?custbody_tl_channel"
    status     = <<-CEL
      input.?shipStatus.optMap(s, netsuite.code(s)).optMap(c,
        c == 'A' ? 'picked' : c == 'B' ? 'packed' : c == 'C' ? 'shipped' : c)
    CEL
    shipped_at = "input.?tranDate.optMap(d, parse_date(d, vars.netsuite_timezone))"
    service    = "input.?shipMethod.?refName"
    tracking   = <<-CEL
      input.?package.?items.orValue([])
        .filter(p, p.?packageTrackingNumber.orValue('') != '')
        .map(p, {'number': p.packageTrackingNumber})
    CEL
    ship_to    = "has(input.shippingAddress) && has(input.shippingAddress.country) ? optional.of(netsuite.canonical_address(input.shippingAddress)) : optional.none()"
    lines      = "input.item.items.filter(l, l.?itemReceive.orValue(true)).map(l, netsuite.shipment_line(l))"
    references = <<-CEL
      ([['netsuite_id', input.id]]
        + (has(input.tranId) ? [['tran_id', input.tranId]] : [])
        + (has(input.createdFrom) && has(input.createdFrom.id) ? [['netsuite_sales_order_id', input.createdFrom.id]] : [])
        + input.item.items
            .filter(l, l.?itemReceive.orValue(true) && has(l.orderLine) && netsuite.channel_line_id(l) != '')
            .map(l, ['orderLine:' + netsuite.channel_line_id(l), string(l.orderLine)])
      ).transformMapEntry(i, p, {p[0]: p[1]})
    CEL
  }
}

# The currency of a NetSuite transaction: see "Currencies" above.
mapping "invoice_currency" {
  input = Invoice
  value = <<-CEL
    has(input.currencySymbol) ? currency_code(input.currencySymbol)
      : has(input.currencysymbol) ? currency_code(input.currencysymbol)
      : cel.bind(id, input.?currency.?id.orValue(''),
          cel.bind(codes, vars.netsuite_currencies.filter(k, vars.netsuite_currencies[k] == id),
            require(size(codes) > 0 ? codes[0] : '', size(codes) > 0, 'UNKNOWN_CURRENCY',
              'invoice ' + input.id + ': no currencySymbol, and netsuite_currencies has no code for currency ' + id)))
  CEL
}

# One invoiced line: see "Currencies" above for unit_price and discount.
# A line without a channel line id (a line added in NetSuite) is
# "ns:<line>".
mapping "invoice_line" {
  input  = InvoiceLineInput
  output = "commerce.InvoiceLine"
  value  = <<-CEL
    cel.bind(l, input.line,
    cel.bind(id, netsuite.channel_line_id(l),
    cel.bind(q, netsuite.canonical_quantity({'sku': l.item.refName, 'value': l.quantity}),
    cel.bind(amount, money(l.amount, input.currency),
    cel.bind(price, money_round(l.?rate.orValue(is_zero(l.quantity) ? decimal('0') : l.amount / l.quantity), input.currency, 'half_even'),
      {
        'line_id': id != '' ? id : 'ns:' + string(l.?line.orValue(0)),
        'sku': l.item.refName,
        ?'description': l.?description,
        'quantity': q.quantity,
        'unit_price': price,
        ?'discount': price * l.quantity > amount ? optional.of(price * l.quantity - amount) : optional.none(),
        'total': amount
      })))))
  CEL
}

# One tax code of an invoice, summed over its lines: title is the tax
# type and code as NetSuite names them; the rate, a percentage in
# NetSuite, is a fraction here. The jurisdiction is not guessed from the
# names.
mapping "invoice_tax" {
  input  = TaxInput
  output = "commerce.TaxLine"
  value  = <<-CEL
    cel.bind(ds, input.details.filter(d, d.?taxCode.?id.orValue('') == input.code),
      {
        'title': (has(ds[0].taxType) && has(ds[0].taxType.refName) ? ds[0].taxType.refName + ' ' : '') + ds[0].?taxCode.?refName.orValue(input.code),
        ?'rate': ds[0].?taxRate.optMap(r, r / 100),
        'amount': sum_money(ds.map(d, money(d.?taxAmount.orValue(decimal('0')), input.currency)), input.currency)
      })
  CEL
}

# A NetSuite invoice as a canonical invoice. totals: subtotal is NetSuite's
# (Σ line amounts), discount its header discount (discountTotal, negative
# there, positive here), shipping shippingCost plus handlingCost, tax
# taxTotal, grand_total total: subtotal − discount + shipping + tax.
mapping "invoice" {
  input  = Invoice
  output = "commerce.Invoice"
  value  = <<-CEL
    cel.bind(cur, netsuite.invoice_currency(input),
    cel.bind(details, input.?taxDetails.?items.orValue([]),
    cel.bind(codes, details.map(d, d.?taxCode.?id.orValue('')),
      {
        'id': input.?tranId.orValue(input.id),
        ?'order_id': input.?custbody_tl_order_id,
        ?'po_number': input.?otherRefNum,
        ?'channel': input.?custbody_tl_channel,
        'invoice_date': parse_date(input.tranDate, vars.netsuite_timezone),
        ?'due_date': input.?dueDate.optMap(d, parse_date(d, vars.netsuite_timezone)),
        'currency': cur,
        ?'customer': input.?entity.optMap(e, {?'id': e.?id, ?'name': e.?refName, ?'email': input.?email}),
        ?'bill_to': has(input.billingAddress) && has(input.billingAddress.country) ? optional.of(netsuite.canonical_address(input.billingAddress)) : optional.none(),
        ?'ship_to': has(input.shippingAddress) && has(input.shippingAddress.country) ? optional.of(netsuite.canonical_address(input.shippingAddress)) : optional.none(),
        'lines': input.item.items.map(l, netsuite.invoice_line({'line': l, 'currency': cur})),
        'taxes': codes.filter(c, c != '').distinct().map(c, netsuite.invoice_tax({'details': details, 'code': c, 'currency': cur})),
        ?'shipping': input.?shippingCost.optMap(s, money(s, cur)),
        'totals': {
          'subtotal': money(input.?subtotal.orValue(decimal('0')), cur),
          'discount': money(-input.?discountTotal.orValue(decimal('0')), cur),
          'shipping': money(input.?shippingCost.orValue(decimal('0')) + input.?handlingCost.orValue(decimal('0')), cur),
          'tax': money(input.?taxTotal.orValue(decimal('0')), cur),
          'grand_total': money(input.total, cur)
        },
        ?'terms': input.?terms.?refName,
        'references': ([['netsuite_id', input.id]]
          + (has(input.tranId) ? [['tran_id', input.tranId]] : [])
          + (has(input.createdFrom) && has(input.createdFrom.id) ? [['netsuite_sales_order_id', input.createdFrom.id]] : [])
          + input.item.items
              .filter(l, has(l.orderLine) && netsuite.channel_line_id(l) != '')
              .map(l, ['orderLine:' + netsuite.channel_line_id(l), string(l.orderLine)])
        ).transformMapEntry(i, p, {p[0]: p[1]})
      })))
  CEL
}

# One item at one location as a canonical inventory level (channel
# "erp"): available is quantityAvailable (on hand less committed),
# reserved quantityCommitted, in the item's unit (see above). A negative
# availability, which the canonical model cannot express, fails with
# INVALID_QUANTITY rather than be sent as 0.
mapping "inventory" {
  input  = InventoryBalance
  output = "commerce.InventoryLevel"
  fields = {
    sku         = "input.item.itemId"
    item_id     = "input.item.id"
    location_id = "input.location.?location.?id"
    available   = <<-CEL
      qty(require(input.location.?quantityAvailable.orValue(decimal('0')), input.location.?quantityAvailable.orValue(decimal('0')) >= decimal('0'),
        'INVALID_QUANTITY', 'item ' + input.item.itemId + ' has a negative availability at location ' + input.location.?location.?id.orValue('?')),
        netsuite.erp_unit(input.item.itemId))
    CEL
    reserved    = "input.location.?quantityCommitted.optMap(q, qty(q, netsuite.erp_unit(input.item.itemId)))"
    updated_at  = "input.location.?lastQuantityAvailableChange.orValue(input.?item.?lastModifiedDate.orValue('')) != '' ? optional.of(parse_time(input.location.?lastQuantityAvailableChange.orValue(input.item.?lastModifiedDate.orValue('')))) : optional.none()"
    channel     = "'erp'"
  }
}

# Every location of an inventory item as canonical inventory levels.
mapping "inventory_levels" {
  input = InventoryItem
  value = "input.?locations.?items.orValue([]).filter(l, has(l.location)).map(l, netsuite.inventory({'item': input, 'location': l}))"
}

# A NetSuite customer as a canonical customer: a company's name is its
# companyName, a person's first and last name.
mapping "customer" {
  input  = Customer
  output = "commerce.Customer"
  fields = {
    id         = "input.id"
    email      = "input.?email"
    name       = <<-CEL
      input.?isPerson.orValue(false)
        ? (has(input.firstName) || has(input.lastName) ? optional.of(trim(input.?firstName.orValue('') + ' ' + input.?lastName.orValue(''))) : input.?entityId)
        : input.?companyName.orValue('') != '' ? input.?companyName : input.?entityId
    CEL
    first_name = "input.?firstName"
    last_name  = "input.?lastName"
    phone      = "input.?phone"
    company    = "input.?isPerson.orValue(false) ? optional.none() : input.?companyName"
    references = <<-CEL
      ([['netsuite_id', input.id]]
        + (has(input.entityId) ? [['entity_id', input.entityId]] : [])
        + (has(input.externalId) ? [['external_id', input.externalId]] : [])
      ).transformMapEntry(i, p, {p[0]: p[1]})
    CEL
  }
}

# The ISO code vars.netsuite_currencies gives a NetSuite currency's
# internal id; '' when it gives none.
mapping "currency_of_id" {
  input = string
  value = "cel.bind(codes, vars.netsuite_currencies.filter(k, vars.netsuite_currencies[k] == input), input != '' && size(codes) > 0 ? codes[0] : '')"
}

# The price of an item: the row of the price level
# vars.netsuite_price_level for the lowest quantity break (0 or none), in
# a currency netsuite_currencies names, as a list of one; none such: [].
mapping "variant_price" {
  input = PriceInput
  value = <<-CEL
    cel.bind(rows, input.prices.filter(p,
        p.?priceLevel.?id.orValue('') == vars.netsuite_price_level
        && has(p.price)
        && is_zero(p.?quantity.?value.orValue(decimal('0')))
        && netsuite.currency_of_id(p.?currencyPage.?id.orValue('')) != ''),
      rows.size() == 0 ? [] : [money(rows[0].price, netsuite.currency_of_id(rows[0].currencyPage.id))])
  CEL
}

# A NetSuite inventory item as a canonical product with one variant (the
# item itself): sku is itemId, gtin the UPC code, the price that of
# vars.netsuite_price_level; an inactive item is archived.
mapping "item" {
  input  = InventoryItem
  output = "commerce.Product"
  fields = {
    id         = "input.id"
    title      = "input.?displayName.orValue('') != '' ? input.displayName : input.itemId"
    vendor     = "input.?manufacturer"
    status     = "input.?isInactive.orValue(false) ? 'archived' : 'active'"
    created_at = "input.?createdDate.optMap(t, parse_time(t))"
    variants   = <<-CEL
      [{
        'id': input.id,
        'sku': input.itemId,
        ?'title': input.?displayName,
        ?'price': cel.bind(p, netsuite.variant_price({'prices': input.?price.?items.orValue([])}), size(p) > 0 ? optional.of(p[0]) : optional.none()),
        ?'gtin': input.?upcCode,
        'inventory_item_id': input.id
      }]
    CEL
  }
}
