# Oracle Fusion Cloud documents into the canonical model: shipment lines
# and receivables invoices for the flows back to the channels, available
# quantities, accounts and items with prices for enrichment tables (REST
# API 11.13.18.05).
#
# Tracing back to the channel: oracle.sales_order sends
# SourceTransactionNumber = CustomerPONumber = "<channel>:<channel order
# id>" and SourceTransactionLineNumber = the channel's line id. Shipping
# keeps them as SourceOrder / SourceOrderLine on every shipment line;
# Receivables keeps CustomerPONumber as the invoice's PurchaseOrder.

type "ShipmentLines" {
  schema      = "shipment_lines.schema.json"
  description = "The shipment lines of one outbound shipment, as GET shipmentLines answers."
}

type "ReceivablesInvoice" {
  schema      = "receivables_invoice.schema.json"
  description = "A receivables invoice with its lines and their tax lines."
}

type "AvailableQuantityDetail" {
  schema      = "available_quantity.schema.json"
  description = "The available quantity of an item in an organization (availableQuantityDetails)."
}

type "Account" {
  schema      = "account.schema.json"
  description = "A customer account (CX accounts, or hubOrganizations)."
}

type "ItemPrice" {
  schema      = "item_price.schema.json"
  description = "An item of itemsV2 and its price list charge."
}

# The channel of an order key "<channel>:<order id>", or "" when the text
# is no such key.
mapping "key_channel" {
  input = string
  value = "input.contains(':') ? split(input, ':')[0] : ''"
}

# The order id of an order key "<channel>:<order id>" (the text itself
# when it is no such key).
mapping "key_order" {
  input = KeyText
  value = <<-CEL
    input.text.contains(':')
      ? cel.bind(ch, split(input.text, ':')[0], substr(input.text, size(ch) + 1, size(input.text) - size(ch) - 1))
      : input.text
  CEL
}

type "KeyText" {
  schema      = "key_text.schema.json"
  description = "An order key \"<channel>:<order id>\" as text."
}

# The lines of one shipment into a canonical shipment.
#
# Conventions: id is the shipment (Shipment); channel and order_id come
# from SourceOrder, "<channel>:<channel order id>" as Transload sent it
# (required); a collection that mixes shipments fails with
# SCHEMA_MISMATCH. status is the first line's LineStatus as Oracle gives
# it; shipped_at its ActualShipDate; carrier and service its CarrierName
# and ShippingMethod; tracking the distinct tracking numbers of the lines.
# Lines: each line with a shipped quantity (the freight line, item
# oracle_freight_item, never ships); line_id is SourceOrderLine (the
# channel's line id), sku the item, quantity the shipped quantity in the
# line's unit as a Rec 20 code (oracle.rec20).
mapping "shipment" {
  input  = ShipmentLines
  output = "commerce.Shipment"
  value  = <<-CEL
    cel.bind(first, require(input.items, size(input.items) > 0, 'NULL_REQUIRED_FIELD', 'the shipment has no lines')[0],
    cel.bind(key, require(first.?SourceOrder.orValue(''), first.?SourceOrder.orValue('').contains(':'), 'NULL_REQUIRED_FIELD',
        'shipment ' + first.?Shipment.orValue('') + ': SourceOrder ' + first.?SourceOrder.orValue('') + ' is not an order Transload sent (<channel>:<order id>)'),
    cel.bind(tracking, input.items.map(l, l.?TrackingNumber.orValue('')).filter(n, n != ''),
      {
        'id': require(first.Shipment, input.items.all(l, l.?Shipment.orValue('') == first.Shipment), 'SCHEMA_MISMATCH',
          'the lines belong to more than one shipment: read shipmentLines with q=Shipment=' + first.Shipment),
        'channel': oracle.key_channel(key),
        'order_id': oracle.key_order({'text': key}),
        ?'status': first.?LineStatus,
        ?'shipped_at': first.?ActualShipDate.orValue('') != '' ? optional.of(parse_time(first.ActualShipDate)) : optional.none(),
        ?'carrier': first.?CarrierName.orValue('') != '' ? first.?CarrierName : optional.none(),
        ?'service': first.?ShippingMethod.orValue('') != '' ? first.?ShippingMethod : optional.none(),
        'tracking': tracking.transformList(i, n, !tracking.transformList(j, m, j < i && m == n, j).exists(x, true),
          {'number': n, ?'carrier': first.?CarrierName.orValue('') != '' ? first.?CarrierName : optional.none()}),
        'lines': input.items
          .filter(l, l.?ShippedQuantity.orValue(decimal('0')) > decimal('0') && l.?Item.orValue('') != vars.oracle_freight_item)
          .map(l, {
            ?'line_id': l.?SourceOrderLine,
            'sku': l.Item,
            'quantity': qty(l.ShippedQuantity, oracle.rec20(l.RequestedQuantityUOMCode))
          }),
        'references': {
          'source_order': key,
          ?'oracle_order': first.?Order,
          ?'organization': first.?OrganizationCode
        }
      })))
  CEL
}

# A receivables invoice into a canonical invoice.
#
# Conventions: id is the transaction number; channel and order_id come
# from PurchaseOrder when it is "<channel>:<channel order id>" (the
# CustomerPONumber Transload sent), else order_id is PurchaseOrder as it
# is; po_number is that order id (the buyer's PO for EDI and Amazon
# Vendor orders, whose order id it is). Lines: every line but the freight
# line (item oracle_freight_item), whose amount is the invoice's shipping;
# line_id is SalesOrderLine (Oracle's order line number, in the order
# Transload sent the lines; else the invoice line number), sku the item;
# unit_price is UnitSellingPrice (INVALID_MONEY when it has fractions of
# a cent), total the line amount, tax the sum of its tax lines. Oracle
# invoices carry net prices, so there is no discount. Totals: subtotal Σ
# line amounts, shipping the freight line, tax Σ tax lines, grand total
# their sum (Receivables' invoice total).
mapping "invoice" {
  input  = ReceivablesInvoice
  output = "commerce.Invoice"
  value  = <<-CEL
    cel.bind(cur, input.InvoiceCurrencyCode,
    cel.bind(all, input.?receivablesInvoiceLines.orValue([]),
    cel.bind(goods, all.filter(l, l.?ItemNumber.orValue('') != vars.oracle_freight_item),
    cel.bind(freight, sum_money(all.filter(l, l.?ItemNumber.orValue('') == vars.oracle_freight_item).map(l, money(l.LineAmount, cur)), cur),
    cel.bind(tax, sum_money(all.map(l, oracle.line_tax({'line': l, 'currency': cur})), cur),
    cel.bind(subtotal, sum_money(goods.map(l, money(l.LineAmount, cur)), cur),
    cel.bind(po, input.?PurchaseOrder.orValue(''),
      {
        'id': input.TransactionNumber,
        ?'order_id': po != '' ? optional.of(oracle.key_order({'text': po})) : optional.none(),
        ?'po_number': po != '' ? optional.of(oracle.key_order({'text': po})) : optional.none(),
        ?'channel': oracle.key_channel(po) != '' ? optional.of(oracle.key_channel(po)) : optional.none(),
        'invoice_date': parse_date(input.TransactionDate),
        ?'due_date': input.?DueDate.orValue('') != '' ? optional.of(parse_date(input.DueDate)) : optional.none(),
        'currency': cur,
        'lines': goods.map(l, {
          'line_id': l.?SalesOrderLine.orValue('') != '' ? l.SalesOrderLine : string(l.LineNumber),
          'sku': l.?ItemNumber.orValue('') != '' ? l.ItemNumber : l.Description,
          ?'description': l.?Description,
          'quantity': qty(l.Quantity, oracle.rec20(l.UnitOfMeasure)),
          'unit_price': money(l.UnitSellingPrice, cur),
          ?'tax': has(l.receivablesInvoiceLineTaxLines) ? optional.of(oracle.line_tax({'line': l, 'currency': cur})) : optional.none(),
          'total': money(l.LineAmount, cur)
        }),
        'shipping': freight,
        'totals': {
          'subtotal': subtotal,
          'discount': money(0, cur),
          'shipping': freight,
          'tax': tax,
          'grand_total': subtotal + freight + tax
        },
        ?'terms': input.?PaymentTerms,
        'references': {
          ?'oracle_transaction_id': input.?CustomerTransactionId.optMap(i, string(i)),
          ?'oracle_sales_order': size(goods) > 0 ? goods[0].?SalesOrder : optional.none(),
          ?'transaction_type': input.?TransactionType
        }
      })))))))
  CEL
}

type "LineTaxInput" {
  schema      = "line_tax_input.schema.json"
  description = "A receivables invoice line and the invoice's currency."
}

# Σ of a receivables invoice line's tax lines.
mapping "line_tax" {
  input = LineTaxInput
  value = "sum_money(input.line.?receivablesInvoiceLineTaxLines.orValue([]).map(x, money(x.TaxAmount, input.currency)), input.currency)"
}

# An available quantity into a canonical inventory level (channel "erp").
#
# Conventions: SKU and item id are the item number; the location is the
# organization, "/" and the subinventory when the query named one;
# available is AvailableToTransact, reserved QuantityOnhand −
# AvailableToReserve (what reservations hold), both in the item's primary
# unit as a Rec 20 code.
mapping "inventory" {
  input  = AvailableQuantityDetail
  output = "commerce.InventoryLevel"
  fields = {
    sku         = "input.ItemNumber"
    item_id     = "input.ItemNumber"
    location_id = "input.OrganizationCode + (input.?SubinventoryCode.orValue('') != '' ? '/' + input.SubinventoryCode : '')"
    available   = "qty(input.AvailableToTransact, oracle.rec20(input.PrimaryUOMCode))"
    reserved    = "has(input.QuantityOnhand) && has(input.AvailableToReserve) ? optional.of(qty(input.QuantityOnhand - input.AvailableToReserve, oracle.rec20(input.PrimaryUOMCode))) : optional.none()"
    channel     = "'erp'"
  }
}

# An account into a canonical customer.
#
# Conventions: id is the party number; an account is an organization, so
# name and company are its name; the primary contact is in references.
mapping "customer" {
  input  = Account
  output = "commerce.Customer"
  fields = {
    id         = "input.PartyNumber"
    name       = "input.?OrganizationName"
    company    = "input.?OrganizationName"
    email      = "input.?EmailAddress.orValue('') != '' ? input.?EmailAddress : optional.none()"
    phone      = "input.?FormattedPhoneNumber.orValue('') != '' ? input.?FormattedPhoneNumber : optional.none()"
    tax_id     = "input.?TaxpayerIdentificationNumber.orValue('') != '' ? input.?TaxpayerIdentificationNumber : optional.none()"
    references = <<-CEL
      {
        'oracle_party_number': input.PartyNumber,
        ?'oracle_party_id': input.?PartyId.optMap(i, string(i)),
        ?'primary_contact': input.?PrimaryContactName.orValue('') != '' ? input.?PrimaryContactName : optional.none(),
        ?'source_system_reference': input.?SourceSystemReferenceValue.orValue('') != '' ? input.?SourceSystemReferenceValue : optional.none()
      }
    CEL
  }
}

# An item and its price list charge into a canonical product with one
# variant.
#
# Conventions: id and SKU are the item number (the ERP item of
# tables/erp_items.csv); title its description; status active for an
# Active item, archived for Inactive or Obsolete, else Oracle's status in
# lower case; the price is the charge's BasePrice in its currency, exactly
# (INVALID_MONEY when it has fractions of a cent); the weight is the unit
# weight in its unit as a Rec 20 code, when it has one.
mapping "item" {
  input  = ItemPrice
  output = "commerce.Product"
  value  = <<-CEL
    cel.bind(i, input.item,
    cel.bind(title, i.?ItemDescription.orValue('') != '' ? i.ItemDescription : i.ItemNumber,
    cel.bind(st, i.?ItemStatusValue.orValue(''),
      {
        'id': i.ItemNumber,
        'title': title,
        ?'status': st == 'Active' ? optional.of('active') : st in ['Inactive', 'Obsolete'] ? optional.of('archived')
          : st != '' ? optional.of(lower(st)) : optional.none(),
        ?'created_at': i.?CreationDateTime.orValue('') != '' ? optional.of(parse_time(i.CreationDateTime)) : optional.none(),
        'variants': [{
          'id': i.ItemNumber,
          'sku': i.ItemNumber,
          'title': title,
          ?'price': input.?price.optMap(p, money(p.BasePrice, p.CurrencyCode)),
          ?'weight': i.?UnitWeightQuantity.orValue(decimal('0')) > decimal('0') && i.?WeightUOMValue.orValue('') != ''
            ? optional.of(qty(i.UnitWeightQuantity, oracle.rec20(i.WeightUOMValue))) : optional.none()
        }]
      })))
  CEL
}

# The levels of one record, as a list: what the erp_inventory flow splits
# (an Infor or NetSuite document holds several).
mapping "inventory_levels" {
  input = AvailableQuantityDetail
  value = "[oracle.inventory(input)]"
}
