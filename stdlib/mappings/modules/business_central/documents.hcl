# Business Central documents back into the canonical model: posted sales
# shipments and sales invoices for the flows that go back to the channels,
# items, their inventory and customers for enrichment tables. API v2.0;
# read a shipment or an invoice with its lines ($expand=salesShipmentLines,
# $expand=salesInvoiceLines).
#
# The trace back to the channel is what business_central.sales_order
# wrote, and Business Central copies when it posts:
#   - externalDocumentNumber "<channel>:<channel order id>" gives the
#     channel and order_id (a document whose externalDocumentNumber is not
#     of that form, such as one entered by hand, has neither);
#   - the comment line "Channel line <line id>, SKU <sku>" after an item
#     line gives its line_id and SKU. Without it, line_id is left out of a
#     shipment line, and an invoice line's line_id is its Business Central
#     sequence; the SKU is then the Business Central item number.
# Units: a Business Central unit code becomes the Rec 20 code that
# vars.bc_units maps to it (EA first when several do), else uom() of the
# code (PCS is EA); an unknown code fails with UNKNOWN_UNIT. Dates are in
# vars.bc_time_zone, "0001-01-01" is no date. Amounts are in currencyCode,
# or vars.bc_local_currency when it is empty; a unit price with more
# decimals than the currency (Business Central keeps 5) is rounded half
# even for unit_price, while totals stay exact as Business Central posted
# them.

type "SalesShipment" {
  schema      = "sales_shipment.schema.json"
  description = "A Business Central API v2.0 salesShipment with its salesShipmentLines."
}

type "SalesInvoice" {
  schema      = "sales_invoice.schema.json"
  description = "A Business Central API v2.0 salesInvoice with its salesInvoiceLines."
}

type "Item" {
  schema      = "item.schema.json"
  description = "A Business Central API v2.0 item."
}

type "Customer" {
  schema      = "customer.schema.json"
  description = "A Business Central API v2.0 customer."
}

type "InvoicePartInput" {
  schema      = "invoice_part_input.schema.json"
  description = "An invoice and a kind of line."
}

type "TraceInput" {
  schema      = "trace_input.schema.json"
  description = "A document's line types and descriptions, and an item line's position."
}

type "ShipmentLineInput" {
  schema      = "shipment_line_input.schema.json"
  description = "A shipment item line and the comment that follows it."
}

type "InvoiceLineInput" {
  schema      = "invoice_line_input.schema.json"
  description = "An invoice line, the comment that follows it, and the currency."
}

# A posted sales shipment. There is no status, carrier or tracking number
# in the API's salesShipment: service is the shipment method code.
mapping "shipment" {
  input  = SalesShipment
  output = "commerce.Shipment"
  fields = {
    id         = "input.number"
    order_id   = "business_central.order_ref(input.?externalDocumentNumber.orValue('')).?order_id"
    channel    = "business_central.order_ref(input.?externalDocumentNumber.orValue('')).?channel"
    shipped_at = "business_central.date(input.?postingDate.orValue(''))"
    service    = "input.?shipmentMethodCode.orValue('') != '' ? input.?shipmentMethodCode : optional.none()"
    ship_to    = <<-CEL
      input.?shipToCountry.orValue('') == '' ? optional.none() : optional.of({
        'name': input.?shipToContact.orValue('') != '' ? input.shipToContact : input.?shipToName.orValue(''),
        ?'company': input.?shipToContact.orValue('') != '' ? input.?shipToName : optional.none(),
        ?'line1': input.?shipToAddressLine1,
        ?'line2': input.?shipToAddressLine2.orValue('') != '' ? input.?shipToAddressLine2 : optional.none(),
        ?'city': input.?shipToCity,
        ?'region': input.?shipToState,
        ?'postal_code': input.?shipToPostCode,
        'country': country_code(input.shipToCountry)
      })
    CEL
    lines      = <<-CEL
      cel.bind(ls, input.?salesShipmentLines.orValue([]),
      cel.bind(texts, ls.map(x, {'type': x.?lineType.orValue(''), 'text': x.?description.orValue('')}),
        ls.transformList(i, l, l.?lineType.orValue('') == 'Item' && l.?quantity.orValue(decimal('0')) > decimal('0'),
          business_central.shipment_line({'line': l, 'trace': business_central.trace_after({'index': i, 'lines': texts})}))))
    CEL
    references = <<-CEL
      {
        'erp': 'business_central',
        ?'erp_id': input.?id,
        ?'erp_order_number': input.?orderNumber,
        ?'external_document_number': input.?externalDocumentNumber
      }
    CEL
  }
}

mapping "shipment_line" {
  input  = ShipmentLineInput
  output = "commerce.ShipmentLine"
  fields = {
    line_id  = "business_central.trace(input.trace).?line_id"
    sku      = "business_central.trace(input.trace).?sku.orValue(input.line.lineObjectNumber)"
    quantity = "qty(input.line.quantity, business_central.rec20_unit(input.line.unitOfMeasureCode))"
  }
}

# A sales invoice. Its freight lines (the G/L account or item charge of
# vars.bc_freight_account / bc_freight_charge) are shipping; its tax lines
# (vars.bc_tax_account) are taxes with Business Central's own tax; every
# other line that is not a comment is an invoice line. grand_total is
# totalAmountIncludingTax, discount the lines' and the invoice discount,
# and subtotal what makes subtotal − discount + shipping + tax (unless
# prices include tax) = grand_total.
mapping "invoice" {
  input  = SalesInvoice
  output = "commerce.Invoice"
  fields = {
    id           = "input.number"
    order_id     = "business_central.order_ref(input.?externalDocumentNumber.orValue('')).?order_id"
    channel      = "business_central.order_ref(input.?externalDocumentNumber.orValue('')).?channel"
    po_number    = "input.?customerPurchaseOrderReference.orValue('') != '' ? input.?customerPurchaseOrderReference : optional.none()"
    invoice_date = "parse_date(input.invoiceDate, vars.bc_time_zone)"
    due_date     = "business_central.date(input.?dueDate.orValue(''))"
    currency     = "business_central.currency(input.?currencyCode.orValue(''))"
    customer     = <<-CEL
      {
        ?'id': input.?customerNumber,
        ?'name': input.?customerName,
        ?'email': input.?email.orValue('') != '' ? input.?email : optional.none(),
        ?'phone': input.?phoneNumber.orValue('') != '' ? input.?phoneNumber : optional.none()
      }
    CEL
    bill_to      = <<-CEL
      input.?billToCountry.orValue('') == '' ? optional.none() : optional.of({
        ?'name': input.?billToName,
        ?'line1': input.?billToAddressLine1,
        ?'line2': input.?billToAddressLine2.orValue('') != '' ? input.?billToAddressLine2 : optional.none(),
        ?'city': input.?billToCity,
        ?'region': input.?billToState,
        ?'postal_code': input.?billToPostCode,
        'country': country_code(input.billToCountry)
      })
    CEL
    ship_to      = <<-CEL
      input.?shipToCountry.orValue('') == '' ? optional.none() : optional.of({
        'name': input.?shipToContact.orValue('') != '' ? input.shipToContact : input.?shipToName.orValue(''),
        ?'company': input.?shipToContact.orValue('') != '' ? input.?shipToName : optional.none(),
        ?'line1': input.?shipToAddressLine1,
        ?'line2': input.?shipToAddressLine2.orValue('') != '' ? input.?shipToAddressLine2 : optional.none(),
        ?'city': input.?shipToCity,
        ?'region': input.?shipToState,
        ?'postal_code': input.?shipToPostCode,
        'country': country_code(input.shipToCountry)
      })
    CEL
    lines        = <<-CEL
      cel.bind(ls, input.?salesInvoiceLines.orValue([]),
      cel.bind(cur, business_central.currency(input.?currencyCode.orValue('')),
      cel.bind(texts, ls.map(x, {'type': x.?lineType.orValue(''), 'text': x.?description.orValue('')}),
        ls.transformList(i, l, !business_central.is_comment(l.?lineType.orValue('')) && business_central.line_kind(l) == 'line',
          business_central.invoice_line({'line': l, 'currency': cur, 'trace': business_central.trace_after({'index': i, 'lines': texts})})))))
    CEL
    taxes        = "business_central.invoice_taxes(input)"
    shipping     = "business_central.invoice_part({'invoice': input, 'kind': 'freight'})"
    totals       = <<-CEL
      cel.bind(cur, business_central.currency(input.?currencyCode.orValue('')),
      cel.bind(grand, money(input.totalAmountIncludingTax, cur),
      cel.bind(tax, sum_money(business_central.invoice_taxes(input).map(t, t.amount), cur),
      cel.bind(ship, business_central.invoice_part({'invoice': input, 'kind': 'freight'}),
      cel.bind(disc, money(input.?discountAmount.orValue(decimal('0')), cur)
          + sum_money(input.?salesInvoiceLines.orValue([]).filter(l, business_central.line_kind(l) == 'line').map(l, money(l.?discountAmount.orValue(decimal('0')), cur)), cur),
        {
          'subtotal': grand + disc - ship - (input.?pricesIncludeTax.orValue(false) ? money(0, cur) : tax),
          'discount': disc,
          'shipping': ship,
          'tax': tax,
          'grand_total': grand
        })))))
    CEL
    references   = <<-CEL
      {
        'erp': 'business_central',
        ?'erp_id': input.?id,
        ?'erp_order_number': input.?orderNumber,
        ?'external_document_number': input.?externalDocumentNumber,
        ?'status': input.?status
      }
    CEL
  }
}

mapping "invoice_line" {
  input  = InvoiceLineInput
  output = "commerce.InvoiceLine"
  fields = {
    line_id     = "business_central.trace(input.trace).?line_id.orValue(string(input.line.?sequence.orValue(0)))"
    sku         = "business_central.trace(input.trace).?sku.orValue(input.line.lineObjectNumber)"
    description = "input.line.?description"
    quantity    = "qty(input.line.quantity, business_central.rec20_unit(input.line.unitOfMeasureCode))"
    unit_price  = "money_round(input.line.unitPrice, input.currency, 'half_even')"
    discount    = "money(input.line.?discountAmount.orValue(decimal('0')), input.currency)"
    tax         = "input.line.?totalTaxAmount.optMap(t, money(t, input.currency))"
    total       = "money(input.line.amountExcludingTax, input.currency)"
  }
}

# What an invoice line is: 'freight', 'tax' (a channel-collected tax line)
# or 'line'.
mapping "line_kind" {
  input = SalesInvoice.SalesInvoiceLine
  value = <<-CEL
    cel.bind(n, input.?lineObjectNumber.orValue(''),
    cel.bind(t, input.?lineType.orValue(''),
      t == 'Charge' && n != '' && n == vars.bc_freight_charge ? 'freight' :
      t == 'Account' && n != '' && n == vars.bc_freight_account ? 'freight' :
      t == 'Account' && n != '' && n == vars.bc_tax_account ? 'tax' : 'line'))
  CEL
}

# Σ amountExcludingTax of an invoice's lines of a kind.
mapping "invoice_part" {
  input = InvoicePartInput
  value = <<-CEL
    cel.bind(cur, business_central.currency(input.invoice.?currencyCode.orValue('')),
      sum_money(input.invoice.?salesInvoiceLines.orValue([])
        .filter(l, business_central.line_kind(l) == input.kind)
        .map(l, money(l.?amountExcludingTax.orValue(decimal('0')), cur)), cur))
  CEL
}

# The invoice's taxes: Business Central's own (totalTaxAmount), then the
# channel-collected tax lines by their description.
mapping "invoice_taxes" {
  input = SalesInvoice
  value = <<-CEL
    cel.bind(cur, business_central.currency(input.?currencyCode.orValue('')),
    cel.bind(own, money(input.?totalTaxAmount.orValue(decimal('0')), cur),
      (is_zero(own) ? [] : [{'title': 'Tax', 'amount': own}])
      + input.?salesInvoiceLines.orValue([]).filter(l, business_central.line_kind(l) == 'tax')
          .map(l, {'title': l.?description.orValue('Tax'), 'amount': money(l.?amountExcludingTax.orValue(decimal('0')), cur)})))
  CEL
}

# "<channel>:<order id>" (an externalDocumentNumber this integration wrote)
# as {channel, order_id}; anything else as {}.
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

# The text of the comment line right after line index, when it is a trace
# comment ("Channel line …"); else ''. Posted documents write a comment
# line's type as " ", orders as "Comment".
mapping "trace_after" {
  input = TraceInput
  value = <<-CEL
    input.index + 1 < size(input.lines)
      && business_central.is_comment(input.lines[input.index + 1].type)
      && input.lines[input.index + 1].text.startsWith('Channel line ')
      ? input.lines[input.index + 1].text : ''
  CEL
}

mapping "is_comment" {
  input = string
  value = "trim(input) == '' || input == 'Comment'"
}

# "Channel line <line id>, SKU <sku>" as {line_id, sku}; the SKU part may
# be missing. Anything else as {}.
mapping "trace" {
  input = string
  value = <<-CEL
    !input.startsWith('Channel line ') ? {} :
    cel.bind(p, split(substr(input, 13, size(input) - 13), ', SKU '),
      size(p) == 0 || p[0] == '' ? {} :
      size(p) == 1 ? {'line_id': p[0]} : {'line_id': p[0], 'sku': join(p.slice(1, size(p)), ', SKU ')})
  CEL
}

# A Business Central date, unless it is empty or the "0001-01-01" that
# means no date.
mapping "date" {
  input = string
  value = "input == '' || input == '0001-01-01' ? optional.none() : optional.of(parse_date(input, vars.bc_time_zone))"
}

# A document's currency: its code, or the local currency when empty.
mapping "currency" {
  input = string
  value = "input == '' ? vars.bc_local_currency : input"
}

# The Rec 20 code of a Business Central unit code: the one vars.bc_units
# maps to it (EA first), else uom() of the code.
mapping "rec20_unit" {
  input = string
  value = <<-CEL
    cel.bind(hits, vars.bc_units.filter(k, vars.bc_units[k] == input),
      size(hits) == 0 ? uom(input) : 'EA' in hits ? 'EA' : hits.sort()[0])
  CEL
}
