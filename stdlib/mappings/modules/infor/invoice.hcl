# Infor SyncInvoice / ShowInvoice BODs into canonical invoices, for the
# flows that send invoices back to the channel (an X12 810, a portal).
# Reads invoice.schema.json (OAGIS 9 Invoice as Infor publishes it).
#
#   - id: InvoiceHeader/DocumentID/ID; invoice_date DocumentDateTime;
#     due_date and terms from PaymentTerm; currency that of TotalAmount.
#   - channel, order_id: as infor.shipment (references.hcl);
#     po_number: CustomerPurchaseOrderReference/DocumentID/ID.
#   - lines: line_id from UserArea transload.line_id, else
#     CustomerPurchaseOrderReference/LineNumber (required: an invoice line
#     the channel cannot place is NULL_REQUIRED_FIELD); unit_price is
#     UnitPrice/Amount per PerQuantity units, exact in the currency
#     (INVALID_MONEY otherwise); discount Σ Allowance; tax Σ Tax; total
#     the line's TotalAmount.
#   - totals: subtotal Σ line ExtendedAmount (TotalAmount + Allowance
#     where a line has none); discount Σ line and header Allowance;
#     shipping Σ header Charge (freight and any other charge: the model
#     has one slot for them); tax Σ header Tax, else Σ line Tax;
#     grand_total TotalAmount, the amount due. They reconcile as the
#     model says when the ERP's invoice does.

mapping "invoice_message" {
  input = InvoiceBOD
  value = "has(input.SyncInvoice) ? input.SyncInvoice : input.ShowInvoice"
}

# The order key "<channel>:<order id>" an invoice refers to, "" when none.
mapping "invoice_order_key" {
  input = InvoiceBOD
  value = <<-CEL
    cel.bind(v, infor.invoice_message(input).DataArea.Invoice,
      infor.order_key({
        'props': v.InvoiceHeader.?UserArea.?Property.orValue([]),
        'ids': (v.InvoiceHeader.?SalesOrderReference.?DocumentID.?ID.hasValue() ? [v.InvoiceHeader.SalesOrderReference.DocumentID.ID] : [])
          + v.?InvoiceLine.orValue([]).filter(l, l.?SalesOrderReference.?DocumentID.?ID.hasValue()).map(l, l.SalesOrderReference.DocumentID.ID)
      }))
  CEL
}

mapping "invoice_line" {
  input  = InvoiceBOD.InvoiceLine
  output = "commerce.InvoiceLine"
  fields = {
    line_id     = <<-CEL
      cel.bind(p, infor.property_value({'props': input.?UserArea.?Property.orValue([]), 'name': 'transload.line_id'}),
      cel.bind(r, input.?CustomerPurchaseOrderReference.?LineNumber.orValue(''),
        require(p != '' ? p : r, p != '' || r != '', 'NULL_REQUIRED_FIELD',
          'invoice line ' + input.?LineNumber.orValue('?') + ': no channel line id (UserArea transload.line_id or CustomerPurchaseOrderReference/LineNumber)')))
    CEL
    sku         = <<-CEL
      cel.bind(p, infor.property_value({'props': input.?UserArea.?Property.orValue([]), 'name': 'transload.sku'}),
        p != '' ? p : input.Item.ItemID.ID)
    CEL
    description = "input.Item.?Description"
    quantity    = "input.Quantity"
    unit_price  = "infor.invoice_unit_price(input.UnitPrice)"
    discount    = "infor.invoice_line_discount(input)"
    tax         = "has(input.Tax) && size(input.Tax) > 0 ? optional.of(infor.invoice_line_tax(input)) : optional.none()"
    total       = "input.TotalAmount"
  }
}

mapping "invoice_tax" {
  input  = InvoiceBOD.Tax
  output = "commerce.TaxLine"
  fields = {
    title        = "input.?ID.or(input.?Description).orValue('Tax')"
    jurisdiction = "input.?TaxJurisdicationCodes.?Code[0]"
    rate         = "input.?Percent.optMap(p, p / decimal('100'))"
    amount       = "input.Amount"
  }
}

mapping "invoice" {
  input  = InvoiceBOD
  output = "commerce.Invoice"
  fields = {
    id           = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.DocumentID.ID"
    order_id     = "infor.order_id_of(infor.invoice_order_key(input))"
    po_number    = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.?CustomerPurchaseOrderReference.?DocumentID.?ID"
    channel      = "infor.channel_of(infor.invoice_order_key(input))"
    invoice_date = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.DocumentDateTime"
    due_date     = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.?PaymentTerm.?DueDateTime"
    currency     = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.TotalAmount.currency"
    customer     = <<-CEL
      cel.bind(h, infor.invoice_message(input).DataArea.Invoice.InvoiceHeader,
        h.?CustomerParty.hasValue() ? optional.of({?'id': h.CustomerParty.?PartyIDs.?ID, ?'name': h.CustomerParty.?Name, ?'company': h.CustomerParty.?Name}) : optional.none())
    CEL
    bill_to      = <<-CEL
      cel.bind(h, infor.invoice_message(input).DataArea.Invoice.InvoiceHeader,
        h.?BillToParty.?Location.?Address.?CountryCode.hasValue() ? optional.of(infor.address_of(h.BillToParty)) : optional.none())
    CEL
    ship_to      = <<-CEL
      cel.bind(h, infor.invoice_message(input).DataArea.Invoice.InvoiceHeader,
        h.?ShipToParty.?Location.?Address.?CountryCode.hasValue() ? optional.of(infor.address_of(h.ShipToParty)) : optional.none())
    CEL
    lines        = "infor.invoice_message(input).DataArea.Invoice.?InvoiceLine.orValue([]).map(l, infor.invoice_line(l))"
    taxes        = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.?Tax.orValue([]).map(t, infor.invoice_tax(t))"
    shipping     = "infor.invoice_shipping(input)"
    totals = {
      subtotal    = <<-CEL
        cel.bind(v, infor.invoice_message(input).DataArea.Invoice,
          sum_money((has(v.InvoiceLine) ? v.InvoiceLine : []).map(l, infor.invoice_line_gross(l)), v.InvoiceHeader.TotalAmount.currency))
      CEL
      discount    = <<-CEL
        cel.bind(v, infor.invoice_message(input).DataArea.Invoice,
          sum_money((has(v.InvoiceLine) ? v.InvoiceLine : []).map(l, infor.invoice_line_discount(l))
            + (has(v.InvoiceHeader.Allowance) ? v.InvoiceHeader.Allowance : []).map(a, a.Amount), v.InvoiceHeader.TotalAmount.currency))
      CEL
      shipping    = "infor.invoice_shipping(input)"
      tax         = <<-CEL
        cel.bind(v, infor.invoice_message(input).DataArea.Invoice,
          has(v.InvoiceHeader.Tax) && size(v.InvoiceHeader.Tax) > 0
            ? sum_money(v.InvoiceHeader.Tax.map(t, t.Amount), v.InvoiceHeader.TotalAmount.currency)
            : sum_money((has(v.InvoiceLine) ? v.InvoiceLine : []).map(l, infor.invoice_line_tax(l)), v.InvoiceHeader.TotalAmount.currency))
      CEL
      grand_total = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.TotalAmount"
    }
    terms      = "infor.invoice_message(input).DataArea.Invoice.InvoiceHeader.?PaymentTerm.?Description"
    references = <<-CEL
      cel.bind(m, infor.invoice_message(input),
        {'erp': 'infor', 'erp_invoice_id': m.DataArea.Invoice.InvoiceHeader.DocumentID.ID, ?'bod_id': m.ApplicationArea.?BODID,
         ?'erp_sales_order': m.DataArea.Invoice.InvoiceHeader.?SalesOrderReference.?DocumentID.?ID})
    CEL
  }
}

# A line's Σ Allowance, Σ Tax, and ExtendedAmount (TotalAmount +
# Allowance when the ERP leaves it out).
mapping "invoice_line_discount" {
  input = InvoiceBOD.InvoiceLine
  value = "sum_money((has(input.Allowance) ? input.Allowance : []).map(a, a.Amount), input.TotalAmount.currency)"
}

mapping "invoice_line_tax" {
  input = InvoiceBOD.InvoiceLine
  value = "sum_money((has(input.Tax) ? input.Tax : []).map(t, t.Amount), input.TotalAmount.currency)"
}

mapping "invoice_line_gross" {
  input = InvoiceBOD.InvoiceLine
  value = "has(input.ExtendedAmount) ? input.ExtendedAmount : input.TotalAmount + infor.invoice_line_discount(input)"
}

# Σ of the invoice's header charges.
mapping "invoice_shipping" {
  input = InvoiceBOD
  value = <<-CEL
    cel.bind(h, infor.invoice_message(input).DataArea.Invoice.InvoiceHeader,
      sum_money((has(h.Charge) ? h.Charge : []).map(c, c.Amount), h.TotalAmount.currency))
  CEL
}
