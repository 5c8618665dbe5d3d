# Canonical shipments and invoices into NetSuite transforms of the sales
# order (REST record API v1, help topic Transforming Records):
#
#   POST {erp_url}/salesOrder/eid:{external id of the order}/!transform/itemFulfillment?replace=item
#   POST {erp_url}/salesOrder/eid:{external id of the order}/!transform/invoice?replace=item
#
# The external id of the order is netsuite.external_id({'channel':
# channel, 'id': order_id}), as netsuite.sales_order wrote it (NetSuite
# takes eid: wherever an internal id goes; a flow that knows the order's
# internal id, references.netsuite_sales_order_id, can use it instead).
#
# NetSuite starts the new record from the order with every open line; the
# body lists only what shipped or is billed, keyed by orderLine, and
# replace=item drops the other lines, so nothing else is fulfilled or
# billed. Quantities are converted to the item's sale unit as the order's
# were (tables/erp_items.csv; not a whole number of it: INVALID_QUANTITY).
#
# How an order line is identified: orderLine is the key of the sales
# order's line, which the canonical document does not carry (its lines
# name the channel's line id). It is read from the document's references,
# "orderLine:<channel line id>" → the order line: netsuite.shipment and
# netsuite.invoice write them from NetSuite's own records, and a flow
# bringing a shipment from elsewhere (a 3PL, the channel) adds them from
# GET {erp_url}/salesOrder/eid:…/item?expandSubResources=true, matching
# the order lines' custom column vars.netsuite_line_id_field. The order
# netsuite.sales_order creates numbers its lines 1, 2, 3… (see there), but
# a line's key is NetSuite's and is never guessed here: a line without
# its reference fails with NULL_REQUIRED_FIELD.
#
# The new record gets an external id, <channel>-<order id>-<document id>,
# so a transform repeated after a lost answer is refused by NetSuite as a
# duplicate rather than shipping or billing twice (the sink should treat
# that answer as done).

type "FulfillmentTransform" {
  schema      = "fulfillment_transform.schema.json"
  description = "The body of the NetSuite salesOrder → itemFulfillment transform."
}

type "InvoiceTransform" {
  schema      = "invoice_transform.schema.json"
  description = "The body of the NetSuite salesOrder → invoice transform."
}

type "TransformLineInput" {
  schema      = "transform_line_input.schema.json"
  description = "One shipped or invoiced line and the references of its document."
}

# The sales order line a canonical line is: see "How an order line is
# identified" above.
mapping "order_line" {
  input = TransformLineInput
  value = <<-CEL
    int(require(input.references[?'orderLine:' + input.line_id].orValue(''),
      input.references[?'orderLine:' + input.line_id].orValue('').matches('^[0-9]+$'),
      'NULL_REQUIRED_FIELD',
      'line ' + input.line_id + ' (' + input.sku + '): no NetSuite order line in references[\'orderLine:' + input.line_id + '\']'))
  CEL
}

# A quantity in the NetSuite item's sale unit: the base quantity (else the
# quantity) divided by the base units of the erp_items.csv unit, as
# erp.quantity does for the order's lines.
mapping "erp_quantity" {
  input = TransformLineInput
  value = <<-CEL
    cel.bind(base, input.?base_quantity.orValue(input.quantity),
    cel.bind(uom, lookup_value(tables.erp_items, input.sku, 'uom', ''),
      uom == '' ? base.value :
      cel.bind(per, decimal(lookup_value(tables.erp_items, input.sku, 'base_units', '1')),
      cel.bind(v, base.value / per,
        require(v, round(v, 0) == v, 'INVALID_QUANTITY',
          'line ' + input.line_id + ': ' + format_decimal(base.value) + ' ' + base.uom + ' of ' + input.sku
            + ' is not a whole number of ' + uom + ' (' + format_decimal(per) + ' ' + base.uom + ' each, tables/erp_items.csv)')))))
  CEL
}

# The channel and order of a shipment or invoice: required to name the
# order transformed.
mapping "document_ref" {
  input = OrderRef
  value = <<-CEL
    require(input.channel, input.channel != '' && input.id != '', 'NULL_REQUIRED_FIELD',
      'the document names no channel or no order id: the NetSuite order it comes from is unknown')
  CEL
}

# A canonical shipment as the body of the itemFulfillment transform: the
# lines shipped (fulfilled, itemReceive true, from vars.netsuite_location
# when set), shipped (shipStatus C) on the day it left, one package per
# tracking number. packageWeight is not sent: the canonical weights are
# per carton, not per tracking number, and in their own unit.
mapping "fulfillment_transform" {
  input  = commerce.Shipment
  output = "netsuite.FulfillmentTransform"
  fields = {
    externalId = <<-CEL
      netsuite.external_id({
        'channel': netsuite.document_ref({'channel': input.?channel.orValue(''), 'id': input.?order_id.orValue('')}),
        'id': input.order_id + '-' + input.id})
    CEL
    tranDate   = "input.?shipped_at.optMap(t, format_date(t, vars.netsuite_timezone))"
    shipStatus = "'C'"
    item = {
      items = <<-CEL
        input.lines.map(l, {
          'orderLine': netsuite.order_line({'references': input.?references.orValue({}), 'line_id': l.?line_id.orValue(''), 'sku': l.sku, 'quantity': l.quantity, ?'base_quantity': l.?base_quantity}),
          'quantity': netsuite.erp_quantity({'references': input.?references.orValue({}), 'line_id': l.?line_id.orValue(''), 'sku': l.sku, 'quantity': l.quantity, ?'base_quantity': l.?base_quantity}),
          'itemReceive': true,
          ?'location': vars.netsuite_location != '' ? optional.of({'id': vars.netsuite_location}) : optional.none()
        })
      CEL
    }
    package = <<-CEL
      has(input.tracking) && size(input.tracking) > 0
        ? optional.of({'items': input.tracking.map(t, {'packageTrackingNumber': t.number, ?'packageDescr': t.?carrier})})
        : optional.none()
    CEL
  }
}

# A canonical invoice as the body of the invoice transform: the lines and
# quantities billed, on the invoice's dates, with the buyer's PO number.
mapping "invoice_transform" {
  input  = commerce.Invoice
  output = "netsuite.InvoiceTransform"
  fields = {
    externalId  = <<-CEL
      netsuite.external_id({
        'channel': netsuite.document_ref({'channel': input.?channel.orValue(''), 'id': input.?order_id.orValue('')}),
        'id': input.order_id + '-' + input.id})
    CEL
    tranDate    = "format_date(input.invoice_date, vars.netsuite_timezone)"
    dueDate     = "input.?due_date.optMap(t, format_date(t, vars.netsuite_timezone))"
    otherRefNum = "input.?po_number"
    item = {
      items = <<-CEL
        input.lines.map(l, {
          'orderLine': netsuite.order_line({'references': input.?references.orValue({}), 'line_id': l.line_id, 'sku': l.sku, 'quantity': l.quantity}),
          'quantity': netsuite.erp_quantity({'references': input.?references.orValue({}), 'line_id': l.line_id, 'sku': l.sku, 'quantity': l.quantity})
        })
      CEL
    }
  }
}
