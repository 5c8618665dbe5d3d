# SAP S/4HANA documents into the canonical model: deliveries and billing
# documents for the flows back to the channels, stock, customers and
# products for enrichment tables. Each reads the OData v2 entity (or the
# {"d": …} answer of a single read) with the expansions its schema names.
#
# Tracing back to the channel: sap.sales_order writes a reference text
# (text ID sap_reference_text_id) on the order header ("channel=",
# "order=", "correlation=" …) and on every item ("line=", "sku=").
# Deliveries and billing documents carry them when text determination
# copies that text ID from the sales order (configure it for the delivery
# and billing text procedures); PurchaseOrderByCustomer (the channel's
# order id) is copied to billing documents by SAP itself.

type "A_OutbDeliveryHeader" {
  schema      = "outbound_delivery.schema.json"
  description = "An outbound delivery of API_OUTBOUND_DELIVERY_SRV with its items and texts."
}

type "A_BillingDocument" {
  schema      = "billing_document.schema.json"
  description = "A billing document of API_BILLING_DOCUMENT_SRV with its items, their pricing elements and texts."
}

type "A_MatlStkInAcctMod" {
  schema      = "material_stock.schema.json"
  description = "One stock quantity of API_MATERIAL_STOCK_SRV."
}

type "A_BusinessPartner" {
  schema      = "business_partner.schema.json"
  description = "A business partner of API_BUSINESS_PARTNER with its addresses and tax numbers."
}

type "ProductPrice" {
  schema      = "product_price.schema.json"
  description = "A product of API_PRODUCT_SRV and its sales price condition record."
}

type "BillingLineInput" {
  schema      = "billing_line_input.schema.json"
  description = "A billing document item and the document's currency."
}

# A delivery into a canonical shipment.
#
# Conventions: id is the delivery number; channel and order_id come from
# the delivery's reference text (required: a delivery that cannot be
# traced back fails with NULL_REQUIRED_FIELD naming the text ID); status
# is the goods issue status (A open, B partially_shipped, C shipped);
# shipped_at is the goods issue date and time (ActualGoodsMovementDate,
# ActualGoodsMovementTime, read as UTC); the bill of lading is the
# tracking number, when there is one. Lines: one per delivered item —
# batch-split sub-items (HigherLvlItmOfBatSpltItm) are counted in their
# main item and items with nothing delivered are left out; line_id and
# sku come from the item's reference text (sku falls back to the
# material); quantity is the delivered quantity in the delivery unit,
# base_quantity in the material's base unit, units as Rec 20 codes
# (sap.rec20). References keep the delivery, the sales order, the
# shipping point and the correlation id of the order's message.
mapping "shipment" {
  input  = A_OutbDeliveryHeader
  output = "commerce.Shipment"
  value  = "sap.delivery(has(input.d) ? input.d : input)"
}

mapping "delivery" {
  input  = A_OutbDeliveryHeader
  output = "commerce.Shipment"
  fields = {
    id         = "input.DeliveryDocument"
    channel    = "sap.required_ref({'text': sap.delivery_text(input), 'key': 'channel', 'document': 'delivery ' + input.DeliveryDocument})"
    order_id   = "sap.required_ref({'text': sap.delivery_text(input), 'key': 'order', 'document': 'delivery ' + input.DeliveryDocument})"
    status     = <<-CEL
      cel.bind(s, input.?OverallGoodsMovementStatus.orValue(''),
        s == 'C' ? optional.of('shipped') : s == 'B' ? optional.of('partially_shipped') : s == 'A' ? optional.of('open')
        : s != '' ? optional.of(s) : optional.none())
    CEL
    shipped_at = <<-CEL
      input.?ActualGoodsMovementDate.orValue('') == '' ? optional.none()
        : optional.of(from_epoch_millis(epoch_millis(sap.parse_date({'text': input.ActualGoodsMovementDate}))
            + (input.?ActualGoodsMovementTime.orValue('') != '' ? sap.time_millis({'text': input.ActualGoodsMovementTime}) : 0)))
    CEL
    tracking   = "input.?BillOfLading.orValue('') != '' ? [{'number': input.BillOfLading}] : []"
    lines      = <<-CEL
      input.?to_DeliveryDocumentItem.?results.orValue([])
        .filter(i, i.?HigherLvlItmOfBatSpltItm.orValue('') in ['', '000000'])
        .filter(i, i.?ActualDeliveryQuantity.orValue('') != '' && decimal(i.ActualDeliveryQuantity) > decimal('0'))
        .map(i, sap.delivery_line(i))
    CEL
    references = <<-CEL
      cel.bind(items, input.?to_DeliveryDocumentItem.?results.orValue([]),
        {
          'sap_delivery': input.DeliveryDocument,
          ?'sap_sales_order': size(items) > 0 ? items[0].?ReferenceSDDocument : optional.none(),
          ?'shipping_point': input.?ShippingPoint,
          ?'correlation_id': cel.bind(v, sap.ref({'text': sap.delivery_text(input), 'key': 'correlation'}), v != '' ? optional.of(v) : optional.none())
        })
    CEL
  }
}

# The delivery's reference texts, one after the other.
mapping "delivery_text" {
  input = A_OutbDeliveryHeader
  value = <<-CEL
    join(input.?to_DeliveryDocumentText.?results.orValue([])
      .filter(x, x.?TextElement.orValue('') == vars.sap_reference_text_id)
      .map(x, x.?TextElementText.orValue('')), '\n')
  CEL
}

type "RequiredRefInput" {
  schema      = "required_ref_input.schema.json"
  description = "A reference text, the key to read and the document it belongs to."
}

# The value of key in a reference text; a document without it cannot be
# traced back to its channel order and fails.
mapping "required_ref" {
  input = RequiredRefInput
  value = <<-CEL
    cel.bind(v, sap.ref({'text': input.text, 'key': input.key}),
      require(v, v != '', 'NULL_REQUIRED_FIELD', input.document + ' has no Transload reference "' + input.key
        + '=": its text ' + vars.sap_reference_text_id + ' is missing (copy the sales order text to it in text determination)'))
  CEL
}

# One delivered item.
mapping "delivery_line" {
  input  = sap.A_OutbDeliveryItem
  output = "commerce.ShipmentLine"
  fields = {
    line_id       = "cel.bind(v, sap.ref({'text': sap.delivery_item_text(input), 'key': 'line'}), v != '' ? optional.of(v) : optional.none())"
    sku           = "cel.bind(v, sap.ref({'text': sap.delivery_item_text(input), 'key': 'sku'}), v != '' ? v : input.Material)"
    quantity      = "qty(decimal(input.ActualDeliveryQuantity), sap.rec20(input.DeliveryQuantityUnit))"
    base_quantity = "input.?ActualDeliveredQtyInBaseUnit.orValue('') != '' && input.?BaseUnit.orValue('') != '' ? optional.of(qty(decimal(input.ActualDeliveredQtyInBaseUnit), sap.rec20(input.BaseUnit))) : optional.none()"
    gtin          = "input.?InternationalArticleNumber.orValue('') != '' ? optional.of(input.InternationalArticleNumber) : optional.none()"
  }
}

mapping "delivery_item_text" {
  input = sap.A_OutbDeliveryItem
  value = <<-CEL
    join(input.?to_DeliveryDocumentItemText.?results.orValue([])
      .filter(x, x.?TextElement.orValue('') == vars.sap_reference_text_id)
      .map(x, x.?TextElementText.orValue('')), '\n')
  CEL
}

# A billing document into a canonical invoice.
#
# Conventions: id is the billing document number; order_id and po_number
# come from the reference text ("order=", "po="), else from
# PurchaseOrderByCustomer (the channel's order id, which SAP copies from
# the sales order); channel from the reference text, when it is there.
# Lines: one per item with a billed quantity. With the items' pricing
# elements expanded, an item's gross is its price condition
# (sap_price_condition), its discount the negated discount condition
# (sap_discount_condition) and its freight the freight condition
# (sap_freight_condition, which SAP distributes from the header onto the
# items); inactive conditions count nothing. Without them, the gross is
# the item's net value and there is no discount. unit_price = gross /
# quantity, exactly (INVALID_MONEY otherwise); tax is the item's tax.
# line_id and sku come from the item's reference text, else the sales
# order item and the material. Totals: subtotal Σ gross, discount Σ
# discounts, shipping Σ freight, tax the document's TaxAmount, grand total
# TotalGrossAmount (net value + tax, the amount due).
mapping "invoice" {
  input  = A_BillingDocument
  output = "commerce.Invoice"
  value  = "sap.billing(has(input.d) ? input.d : input)"
}

mapping "billing" {
  input  = A_BillingDocument
  output = "commerce.Invoice"
  fields = {
    id           = "input.BillingDocument"
    order_id     = "cel.bind(v, sap.ref({'text': sap.billing_text(input), 'key': 'order'}), v != '' ? optional.of(v) : input.?PurchaseOrderByCustomer.orValue('') != '' ? input.?PurchaseOrderByCustomer : optional.none())"
    po_number    = "cel.bind(v, sap.ref({'text': sap.billing_text(input), 'key': 'po'}), v != '' ? optional.of(v) : input.?PurchaseOrderByCustomer.orValue('') != '' ? input.?PurchaseOrderByCustomer : optional.none())"
    channel      = "cel.bind(v, sap.ref({'text': sap.billing_text(input), 'key': 'channel'}), v != '' ? optional.of(v) : optional.none())"
    invoice_date = "sap.parse_date({'text': input.BillingDocumentDate})"
    currency     = "input.TransactionCurrency"
    lines        = "sap.billing_items(input).map(i, sap.billing_line({'item': i, 'currency': input.TransactionCurrency}))"
    shipping     = "sap.billing_freight(input)"
    totals       = <<-CEL
      cel.bind(lines, sap.billing_items(input).map(i, sap.billing_line({'item': i, 'currency': input.TransactionCurrency})),
        {
          'subtotal': sum_money(lines.map(l, l.total + l.?discount.orValue(money(0, input.TransactionCurrency))), input.TransactionCurrency),
          'discount': sum_money(lines.filter(l, has(l.discount)).map(l, l.discount), input.TransactionCurrency),
          'shipping': sap.billing_freight(input),
          'tax': money(input.TaxAmount, input.TransactionCurrency),
          'grand_total': money(input.TotalGrossAmount, input.TransactionCurrency)
        })
    CEL
    terms        = "input.?CustomerPaymentTerms.orValue('') != '' ? optional.of(input.CustomerPaymentTerms) : optional.none()"
    references   = <<-CEL
      cel.bind(items, input.?to_Item.?results.orValue([]),
        {
          'sap_billing_document': input.BillingDocument,
          ?'sap_sales_order': size(items) > 0 ? items[0].?SalesDocument : optional.none(),
          ?'sap_billing_type': input.?BillingDocumentType,
          ?'cancelled': input.?BillingDocumentIsCancelled.orValue(false) ? optional.of('true') : optional.none(),
          ?'correlation_id': cel.bind(v, sap.ref({'text': sap.billing_text(input), 'key': 'correlation'}), v != '' ? optional.of(v) : optional.none())
        })
    CEL
  }
}

# The items billed: those with a quantity.
mapping "billing_items" {
  input = A_BillingDocument
  value = "input.?to_Item.?results.orValue([]).filter(i, i.?BillingQuantity.orValue('') != '' && decimal(i.BillingQuantity) > decimal('0'))"
}

# Σ of the freight condition over the items.
mapping "billing_freight" {
  input = A_BillingDocument
  value = <<-CEL
    sum_money(sap.billing_items(input).map(i, sap.billing_condition({'item': i, 'currency': input.TransactionCurrency, 'type': vars.sap_freight_condition})),
      input.TransactionCurrency)
  CEL
}

mapping "billing_text" {
  input = A_BillingDocument
  value = <<-CEL
    join(input.?to_Text.?results.orValue([])
      .filter(x, x.?LongTextID.orValue('') == vars.sap_reference_text_id)
      .map(x, x.?LongText.orValue('')), '\n')
  CEL
}

# Σ of the active elements of one condition type on an item.
mapping "billing_condition" {
  input = BillingLineInput
  value = <<-CEL
    sum_money(input.item.?to_PricingElement.?results.orValue([])
      .filter(e, e.?ConditionType.orValue('') == input.type && e.?ConditionInactiveReason.orValue('') == ''
        && !e.?ConditionIsForStatistics.orValue(false) && e.?ConditionAmount.orValue('') != '')
      .map(e, money(e.ConditionAmount, input.currency)), input.currency)
  CEL
}

# One billed item.
mapping "billing_line" {
  input  = BillingLineInput
  output = "commerce.InvoiceLine"
  value  = <<-CEL
    cel.bind(i, input.item,
    cel.bind(cur, input.currency,
    cel.bind(priced, size(i.?to_PricingElement.?results.orValue([])) > 0,
    cel.bind(gross, priced ? sap.billing_condition({'item': i, 'currency': cur, 'type': vars.sap_price_condition}) : money(i.NetAmount, cur),
    cel.bind(disc, priced ? -sap.billing_condition({'item': i, 'currency': cur, 'type': vars.sap_discount_condition}) : money(0, cur),
    cel.bind(q, decimal(i.BillingQuantity),
    cel.bind(text, join(i.?to_ItemText.?results.orValue([])
        .filter(x, x.?LongTextID.orValue('') == vars.sap_reference_text_id).map(x, x.?LongText.orValue('')), '\n'),
      {
        'line_id': cel.bind(v, sap.ref({'text': text, 'key': 'line'}), v != '' ? v : i.?SalesDocumentItem.orValue(i.BillingDocumentItem)),
        'sku': cel.bind(v, sap.ref({'text': text, 'key': 'sku'}), v != '' ? v : i.Material),
        ?'description': i.?BillingDocumentItemText,
        'quantity': qty(q, sap.rec20(i.BillingQuantityUnit)),
        'unit_price': money(require(gross.amount / q, round(gross.amount / q, currency_digits(cur)) == gross.amount / q, 'INVALID_MONEY',
          'billing item ' + i.BillingDocumentItem + ': ' + format_money(gross) + ' for ' + format_decimal(q) + ' has no exact unit price'), cur),
        ?'discount': disc > money(0, cur) ? optional.of(disc) : optional.none(),
        ?'tax': i.?TaxAmount.orValue('') != '' ? optional.of(money(i.TaxAmount, cur)) : optional.none(),
        'total': gross - disc
      })))))))
  CEL
}

# A stock quantity into a canonical inventory level (channel "erp").
#
# Conventions: the SKU and item id are the material; the location is the
# plant, "/" and the storage location when there is one. Only the
# company's own unrestricted-use stock (InventoryStockType 01, no special
# stock) is available; any other stock record (quality inspection,
# blocked, consignment, sales order stock) is available 0 — read the
# service with $filter=InventoryStockType eq '01' and
# InventorySpecialStockType eq '' to get only what sells. The unit is the
# material's base unit as a Rec 20 code.
mapping "inventory" {
  input  = A_MatlStkInAcctMod
  output = "commerce.InventoryLevel"
  value  = "sap.stock(has(input.d) ? input.d : input)"
}

mapping "stock" {
  input  = A_MatlStkInAcctMod
  output = "commerce.InventoryLevel"
  fields = {
    sku         = "input.Material"
    item_id     = "input.Material"
    location_id = "input.Plant + (input.?StorageLocation.orValue('') != '' ? '/' + input.StorageLocation : '')"
    available   = <<-CEL
      input.?InventoryStockType.orValue('') == '01' && input.?InventorySpecialStockType.orValue('') == ''
        ? qty(decimal(input.MatlWrhsStkQtyInMatlBaseUnit), sap.rec20(input.MaterialBaseUnit))
        : qty(0, sap.rec20(input.MaterialBaseUnit))
    CEL
    channel     = "'erp'"
  }
}

# A business partner into a canonical customer.
#
# Conventions: id is the business partner number (the customer number is
# in references); an organization (category 2) is a company with its
# name, a person (category 1) has first and last names; email and phone
# are the first address's default ones (else its first), from the first
# address that has any; tax_id is the first tax number.
mapping "customer" {
  input  = A_BusinessPartner
  output = "commerce.Customer"
  value  = "sap.partner(has(input.d) ? input.d : input)"
}

mapping "partner" {
  input  = A_BusinessPartner
  output = "commerce.Customer"
  fields = {
    id         = "input.BusinessPartner"
    name       = "input.?BusinessPartnerFullName.orValue('') != '' ? input.?BusinessPartnerFullName : input.?BusinessPartnerName"
    first_name = "input.?FirstName.orValue('') != '' ? input.?FirstName : optional.none()"
    last_name  = "input.?LastName.orValue('') != '' ? input.?LastName : optional.none()"
    company    = "input.?BusinessPartnerCategory.orValue('') == '2' && input.?OrganizationBPName1.orValue('') != '' ? input.?OrganizationBPName1 : optional.none()"
    email      = <<-CEL
      cel.bind(with, input.?to_BusinessPartnerAddress.?results.orValue([]).filter(a, size(a.?to_EmailAddress.?results.orValue([])) > 0),
        size(with) == 0 ? optional.none()
        : cel.bind(emails, with[0].to_EmailAddress.results,
            emails.exists(e, e.?IsDefaultEmailAddress.orValue(false))
              ? emails.filter(e, e.?IsDefaultEmailAddress.orValue(false))[0].?EmailAddress
              : emails[0].?EmailAddress))
    CEL
    phone      = <<-CEL
      cel.bind(with, input.?to_BusinessPartnerAddress.?results.orValue([]).filter(a, size(a.?to_PhoneNumber.?results.orValue([])) > 0),
        size(with) == 0 ? optional.none()
        : cel.bind(phones, with[0].to_PhoneNumber.results,
            phones.exists(p, p.?IsDefaultPhoneNumber.orValue(false))
              ? phones.filter(p, p.?IsDefaultPhoneNumber.orValue(false))[0].?PhoneNumber
              : phones[0].?PhoneNumber))
    CEL
    tax_id     = <<-CEL
      cel.bind(taxes, input.?to_BusinessPartnerTax.?results.orValue([]).filter(x, x.?BPTaxNumber.orValue('') != ''),
        taxes.size() > 0 ? taxes[0].?BPTaxNumber : optional.none())
    CEL
    references = <<-CEL
      {
        'sap_business_partner': input.BusinessPartner,
        ?'sap_customer': input.?Customer.orValue('') != '' ? input.?Customer : optional.none(),
        ?'search_term': input.?SearchTerm1.orValue('') != '' ? input.?SearchTerm1 : optional.none()
      }
    CEL
  }
}

# A product and its price into a canonical product with one variant.
#
# Conventions: id and SKU are the product number (the ERP item of
# tables/erp_items.csv); the title is its description in
# sap_text_language, else the first; status archived when the product is
# marked for deletion, else active. The price is the condition record's
# rate per ConditionQuantity units, as a price per 1 unit, exactly
# (INVALID_MONEY when it has fractions of a cent); the weight is the gross
# weight in its Rec 20 unit, when it has one.
mapping "item" {
  input  = ProductPrice
  output = "commerce.Product"
  value  = <<-CEL
    cel.bind(p, has(input.product.d) ? input.product.d : input.product,
    cel.bind(price, has(input.price) ? optional.of(has(input.price.d) ? input.price.d : input.price) : optional.none(),
    cel.bind(descs, p.?to_Description.?results.orValue([]),
    cel.bind(title, descs.exists(d, d.?Language.orValue('') == vars.sap_text_language)
        ? descs.filter(d, d.?Language.orValue('') == vars.sap_text_language)[0].?ProductDescription.orValue(p.Product)
        : size(descs) > 0 ? descs[0].?ProductDescription.orValue(p.Product) : p.Product,
      {
        'id': p.Product,
        'title': title,
        'status': p.?IsMarkedForDeletion.orValue(false) ? 'archived' : 'active',
        ?'created_at': p.?CreationDate.orValue('') != '' ? optional.of(sap.parse_date({'text': p.CreationDate})) : optional.none(),
        'variants': [{
          'id': p.Product,
          'sku': p.Product,
          'title': title,
          ?'price': price.optMap(r, cel.bind(per, r.?ConditionQuantity.orValue('') != '' ? decimal(r.ConditionQuantity) : decimal('1'),
            money(require(decimal(r.ConditionRateValue) / per, round(decimal(r.ConditionRateValue) / per, currency_digits(r.ConditionRateValueUnit)) == decimal(r.ConditionRateValue) / per,
              'INVALID_MONEY', 'price ' + r.ConditionRateValue + ' per ' + format_decimal(per) + ' has fractions of a cent per unit'), r.ConditionRateValueUnit))),
          ?'gtin': p.?ProductStandardID.orValue('') != '' ? p.?ProductStandardID : optional.none(),
          ?'weight': p.?GrossWeight.orValue('') != '' && p.?WeightUnit.orValue('') != '' && decimal(p.GrossWeight) > decimal('0')
            ? optional.of(qty(decimal(p.GrossWeight), sap.rec20(p.WeightUnit))) : optional.none()
        }]
      }))))
  CEL
}

# The levels of one record, as a list: what the erp_inventory flow splits
# (an Infor or NetSuite document holds several).
mapping "inventory_levels" {
  input = A_MatlStkInAcctMod
  value = "[sap.inventory(input)]"
}
