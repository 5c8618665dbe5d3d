# Dynamics 365 F&O documents back into the canonical model: packing slips
# and invoices for the flows that go back to the channels, on-hand
# inventory, released products and customers for enrichment tables.
#
# The trace back to the channel is what d365.sales_order wrote:
#   - CustomersOrderReference "<channel>:<channel order id>" (copied to
#     invoices and packing slips) gives the channel and order_id; a
#     document whose reference is not of that form has neither;
#   - on packing slip lines, OrderLineReference (the channel line id) and
#     ExternalItemNumber (the channel SKU), copied from the order line.
#     SalesInvoiceLines carries neither (nor any order line): an invoice
#     line's line_id is F&O's LineCreationSequenceNumber and its SKU the
#     item number.
# Units: an F&O unit symbol becomes the Rec 20 code vars.d365_units maps
# to it (EA first when several do), else uom() of the symbol; an unknown
# symbol fails with UNKNOWN_UNIT. Date-time fields are read as instants;
# 1900-01-01 is no date. A unit price with more decimals than the
# currency is rounded half even for unit_price; totals stay exact as F&O
# posted them.

type "PackingSlip" {
  schema      = "packing_slip.schema.json"
  description = "A Dynamics 365 F&O sales packing slip with its lines."
}

type "SalesInvoice" {
  schema      = "sales_invoice.schema.json"
  description = "A Dynamics 365 F&O SalesInvoiceHeadersV2 record with its SalesInvoiceLines."
}

type "WarehouseOnHand" {
  schema      = "warehouse_on_hand.schema.json"
  description = "A Dynamics 365 F&O WarehousesOnHandV2 record."
}

type "Customer" {
  schema      = "customer.schema.json"
  description = "A Dynamics 365 F&O CustomersV3 record."
}

type "ReleasedProduct" {
  schema      = "released_product.schema.json"
  description = "A Dynamics 365 F&O ReleasedProductsV2 record."
}

type "InvoicePartInput" {
  schema      = "invoice_part_input.schema.json"
  description = "An invoice and a kind of line."
}

type "InvoiceLineInput" {
  schema      = "invoice_line_input.schema.json"
  description = "An invoice line and the invoice's currency."
}

# A packing slip: shipped_at is its delivery date, carrier the shipping
# carrier, service the mode of delivery, tracking the tracking number when
# the packing slip has one.
mapping "shipment" {
  input  = PackingSlip
  output = "commerce.Shipment"
  fields = {
    id         = "input.PackingSlipNumber"
    order_id   = "d365.order_ref(input.?CustomersOrderReference.orValue('')).?order_id"
    channel    = "d365.order_ref(input.?CustomersOrderReference.orValue('')).?channel"
    shipped_at = "d365.date(input.?DeliveryDate.orValue(''))"
    carrier    = "input.?ShippingCarrierId.orValue('') != '' ? input.?ShippingCarrierId : optional.none()"
    service    = "input.?DeliveryModeCode.orValue('') != '' ? input.?DeliveryModeCode : optional.none()"
    tracking   = "input.?TrackingNumber.orValue('') != '' ? [{'number': input.TrackingNumber, ?'carrier': input.?ShippingCarrierId}] : []"
    ship_to    = <<-CEL
      cel.bind(c, input.?DeliveryAddressCountryRegionISOCode.orValue('') != '' ? input.DeliveryAddressCountryRegionISOCode
                : input.?DeliveryAddressCountryRegionId.orValue(''),
        c == '' ? optional.none() : optional.of({
          ?'name': input.?DeliveryAddressName,
          ?'line1': input.?DeliveryAddressStreet.optMap(s, split(s, '\n')[0]),
          ?'line2': input.?DeliveryAddressStreet.orValue('').contains('\n') ? optional.of(join(split(input.DeliveryAddressStreet, '\n').slice(1, size(split(input.DeliveryAddressStreet, '\n'))), ', ')) : optional.none(),
          ?'city': input.?DeliveryAddressCity,
          ?'region': input.?DeliveryAddressStateId,
          ?'postal_code': input.?DeliveryAddressZipCode,
          'country': country_code(c)
        }))
    CEL
    lines      = <<-CEL
      input.?Lines.orValue([]).filter(l, l.?DeliveredQuantity.orValue(decimal('0')) > decimal('0')).map(l, {
        ?'line_id': l.?OrderLineReference.orValue('') != '' ? l.?OrderLineReference : optional.none(),
        'sku': l.?ExternalItemNumber.orValue('') != '' ? l.ExternalItemNumber : l.ItemNumber,
        'quantity': qty(l.DeliveredQuantity, d365.rec20_unit(l.SalesUnitSymbol))
      })
    CEL
    references = <<-CEL
      {
        'erp': 'd365',
        ?'erp_order_number': input.?SalesOrderNumber,
        ?'customers_order_reference': input.?CustomersOrderReference,
        ?'company': input.?dataAreaId
      }
    CEL
  }
}

# An invoice. Lines of vars.d365_freight_item are shipping (with the
# header's TotalChargeAmount), lines of vars.d365_tax_item are taxes (with
# F&O's TotalTaxAmount); every other line is an invoice line. grand_total
# is TotalInvoiceAmount, discount TotalDiscountAmount, and subtotal what
# makes subtotal − discount + shipping + tax = grand_total.
mapping "invoice" {
  input  = SalesInvoice
  output = "commerce.Invoice"
  fields = {
    id           = "input.InvoiceNumber"
    order_id     = "d365.order_ref(input.?CustomersOrderReference.orValue('')).?order_id"
    channel      = "d365.order_ref(input.?CustomersOrderReference.orValue('')).?channel"
    invoice_date = "parse_time(input.InvoiceDate)"
    currency     = "input.CurrencyCode"
    customer     = "{?'id': input.?InvoiceCustomerAccountNumber}"
    bill_to      = <<-CEL
      cel.bind(c, input.?InvoiceAddressCountryRegionISOCode.orValue('') != '' ? input.InvoiceAddressCountryRegionISOCode
                : input.?InvoiceAddressCountryRegionId.orValue(''),
        c == '' ? optional.none() : optional.of({
          ?'line1': input.?InvoiceAddressStreet.optMap(s, split(s, '\n')[0]),
          ?'city': input.?InvoiceAddressCity,
          ?'region': input.?InvoiceAddressState,
          ?'postal_code': input.?InvoiceAddressZipCode,
          'country': country_code(c)
        }))
    CEL
    lines        = <<-CEL
      input.?SalesInvoiceLines.orValue([]).filter(l, d365.line_kind(l) == 'line')
        .map(l, d365.invoice_line({'line': l, 'currency': input.CurrencyCode}))
    CEL
    taxes        = "d365.invoice_taxes(input)"
    shipping     = "money(input.?TotalChargeAmount.orValue(decimal('0')), input.CurrencyCode) + d365.invoice_part({'invoice': input, 'kind': 'freight'})"
    totals       = <<-CEL
      cel.bind(cur, input.CurrencyCode,
      cel.bind(grand, money(input.TotalInvoiceAmount, cur),
      cel.bind(tax, sum_money(d365.invoice_taxes(input).map(t, t.amount), cur),
      cel.bind(ship, money(input.?TotalChargeAmount.orValue(decimal('0')), cur) + d365.invoice_part({'invoice': input, 'kind': 'freight'}),
      cel.bind(disc, money(input.?TotalDiscountAmount.orValue(decimal('0')), cur),
        {
          'subtotal': grand + disc - ship - tax,
          'discount': disc,
          'shipping': ship,
          'tax': tax,
          'grand_total': grand
        })))))
    CEL
    terms        = "input.?PaymentTermsName"
    references   = <<-CEL
      {
        'erp': 'd365',
        ?'erp_order_number': input.?SalesOrderNumber,
        ?'customers_order_reference': input.?CustomersOrderReference,
        ?'voucher': input.?LedgerVoucher,
        ?'company': input.?dataAreaId
      }
    CEL
  }
}

mapping "invoice_line" {
  input  = InvoiceLineInput
  output = "commerce.InvoiceLine"
  fields = {
    line_id     = "string(input.line.LineCreationSequenceNumber)"
    sku         = "input.line.ProductNumber"
    description = "input.line.?ProductName"
    quantity    = "qty(input.line.InvoicedQuantity, d365.rec20_unit(input.line.SalesUnitSymbol))"
    unit_price  = "money_round(input.line.SalesPrice, input.currency, 'half_even')"
    discount    = "input.line.?LineTotalDiscountAmount.optMap(d, money(d, input.currency))"
    tax         = "input.line.?LineTotalTaxAmount.optMap(t, money(t, input.currency))"
    total       = "money(input.line.LineAmount, input.currency)"
  }
}

# What an invoice line is: 'freight', 'tax' (a channel-collected tax line)
# or 'line'.
mapping "line_kind" {
  input = SalesInvoice.SalesInvoiceLine
  value = <<-CEL
    cel.bind(n, input.?ProductNumber.orValue(''),
      n != '' && n == vars.d365_freight_item ? 'freight' :
      n != '' && n == vars.d365_tax_item ? 'tax' : 'line')
  CEL
}

# Σ LineAmount of an invoice's lines of a kind.
mapping "invoice_part" {
  input = InvoicePartInput
  value = <<-CEL
    sum_money(input.invoice.?SalesInvoiceLines.orValue([])
      .filter(l, d365.line_kind(l) == input.kind)
      .map(l, money(l.?LineAmount.orValue(decimal('0')), input.invoice.CurrencyCode)), input.invoice.CurrencyCode)
  CEL
}

# F&O's sales tax (TotalTaxAmount), then the channel-collected tax lines
# by their product name.
mapping "invoice_taxes" {
  input = SalesInvoice
  value = <<-CEL
    cel.bind(own, money(input.?TotalTaxAmount.orValue(decimal('0')), input.CurrencyCode),
      (is_zero(own) ? [] : [{'title': 'Sales tax', 'amount': own}])
      + input.?SalesInvoiceLines.orValue([]).filter(l, d365.line_kind(l) == 'tax')
          .map(l, {'title': l.?ProductName.orValue('Tax'), 'amount': money(l.?LineAmount.orValue(decimal('0')), input.CurrencyCode)}))
  CEL
}

# Available on-hand of an item in a warehouse: AvailableOnHandQuantity
# (physical less reservations), reserved ReservedOnHandQuantity; the unit
# is the item's base unit in tables/items.csv (the entity states none),
# an item not there is UNKNOWN_SKU. location_id is "<site>/<warehouse>".
mapping "inventory" {
  input  = WarehouseOnHand
  output = "commerce.InventoryLevel"
  fields = {
    sku         = "input.ItemNumber"
    item_id     = "input.ItemNumber"
    location_id = "input.?InventorySiteId.orValue('') + '/' + input.?InventoryWarehouseId.orValue('')"
    available   = "qty(input.?AvailableOnHandQuantity.orValue(decimal('0')), d365.base_unit(input.ItemNumber))"
    reserved    = "input.?ReservedOnHandQuantity.optMap(q, qty(q, d365.base_unit(input.ItemNumber)))"
    channel     = "'erp'"
  }
}

mapping "base_unit" {
  input = string
  value = <<-CEL
    cel.bind(u, lookup_value(tables.items, input, 'base_uom', ''),
      require(u, u != '', 'UNKNOWN_SKU', 'item ' + input + ' is not in tables/items.csv: its base unit is unknown'))
  CEL
}

# A released product as a product with one variant: the item number is
# the SKU; price is SalesPrice per SalesPriceQuantity units in
# vars.d365_currency (the legal entity's accounting currency).
mapping "item" {
  input  = ReleasedProduct
  output = "commerce.Product"
  fields = {
    id       = "input.ItemNumber"
    title    = "input.?ProductName.orValue('') != '' ? input.ProductName : input.?SearchName.orValue(input.ItemNumber)"
    status   = "input.?ProductLifecycleStateId.orValue('') != '' ? input.?ProductLifecycleStateId : optional.none()"
    variants = <<-CEL
      [{
        'id': input.ItemNumber,
        'sku': input.ItemNumber,
        ?'title': input.?ProductName,
        ?'price': input.?SalesPrice.optMap(p,
          money(input.?SalesPriceQuantity.orValue(decimal('0')) > decimal('0') ? p / input.SalesPriceQuantity : p, vars.d365_currency))
      }]
    CEL
  }
}

# A customer: the account is the id; an organization's name is also its
# company.
mapping "customer" {
  input  = Customer
  output = "commerce.Customer"
  fields = {
    id         = "input.CustomerAccount"
    name       = "input.?OrganizationName"
    first_name = "input.?PersonFirstName.orValue('') != '' ? input.?PersonFirstName : optional.none()"
    last_name  = "input.?PersonLastName.orValue('') != '' ? input.?PersonLastName : optional.none()"
    company    = "input.?PartyType.orValue('') == 'Organization' ? input.?OrganizationName : optional.none()"
    email      = "input.?PrimaryContactEmail.orValue('') != '' ? input.?PrimaryContactEmail : optional.none()"
    phone      = "input.?PrimaryContactPhone.orValue('') != '' ? input.?PrimaryContactPhone : optional.none()"
    tax_id     = "input.?TaxExemptNumber.orValue('') != '' ? input.?TaxExemptNumber : optional.none()"
    references = <<-CEL
      {
        'erp': 'd365',
        ?'company': input.?dataAreaId,
        ?'customer_group': input.?CustomerGroupId,
        ?'currency': input.?SalesCurrencyCode,
        ?'party_number': input.?PartyNumber
      }
    CEL
  }
}

# "<channel>:<order id>" (a CustomersOrderReference this integration
# wrote) as {channel, order_id}; anything else as {}.
mapping "order_ref" {
  input = string
  value = <<-CEL
    cel.bind(p, split(input, ':'),
      size(p) >= 2 && p[0] in ['shopify', 'amazon', 'amazon_vendor', 'walmart', 'adobe_commerce', 'bigcommerce', 'edi_x12', 'b2b']
        && join(p.slice(1, size(p)), ':') != ''
        ? {'channel': p[0], 'order_id': join(p.slice(1, size(p)), ':')}
        : {})
  CEL
}

# An F&O date-time, unless it is empty or the 1900-01-01 that means none.
mapping "date" {
  input = string
  value = "input == '' || input.startsWith('1900-01-01') ? optional.none() : optional.of(parse_time(input))"
}

# The Rec 20 code of an F&O unit symbol: the one vars.d365_units maps to
# it (EA first), else uom() of the symbol.
mapping "rec20_unit" {
  input = string
  value = <<-CEL
    cel.bind(hits, vars.d365_units.filter(k, vars.d365_units[k] == input),
      size(hits) == 0 ? uom(input) : 'EA' in hits ? 'EA' : hits.sort()[0])
  CEL
}

# The levels of one record, as a list: what the erp_inventory flow splits
# (an Infor or NetSuite document holds several).
mapping "inventory_levels" {
  input = WarehouseOnHand
  value = "[d365.inventory(input)]"
}
