# Canonical orders into SAP S/4HANA sales orders.
#
# Target: Sales Order (A2X), OData v2 service API_SALES_ORDER_SRV, entity
# set A_SalesOrder, created by deep insert (POST …/A_SalesOrder with
# to_Item, the items' to_PricingElement and to_Text, the header's
# to_PricingElement and to_Text). Settings (sales area, sold-to, condition
# types, text ID) are the sap_* variables of flows/erp_sap.hcl.
#
# What goes where:
#   - Header: SalesOrderType, SalesOrganization, DistributionChannel,
#     OrganizationDivision from variables; SoldToParty from
#     sap_sold_to_parties[channel], else sap_sold_to_party;
#     PurchaseOrderByCustomer = the channel's order id (canonical id: the
#     marketplace order id, the buyer's PO number for EDI and Amazon
#     Vendor), at most 35 characters (else VALUE_TOO_LONG: never cut);
#     CustomerPurchaseOrderDate = the day the order was placed (in
#     sap_time_zone); TransactionCurrency = the order's currency;
#     RequestedDeliveryDate = ship_by, when the channel gives one.
#   - References, both ways: a header text (LongTextID
#     sap_reference_text_id) holds "channel=…", "order=…",
#     "correlation=…" and, when the channel gives them, "number=…" (the
#     order number people use) and "po=…" (the buyer's PO), one per line;
#     each item has a text with "line=<channel line id>" and "sku=…". The
#     sales order is found from the channel order by
#     PurchaseOrderByCustomer (+ SoldToParty); deliveries and billing
#     documents that copy the texts (text determination) lead back to the
#     channel, its order and its lines (sap.shipment, sap.invoice).
#   - Items: the lines of erp.lines with line_discounts (the order's own
#     discount is allocated to the lines to the cent), kits by erp_kits,
#     the material and sales unit from tables/erp_items.csv. SalesOrderItem
#     is 10 × the line's position in the channel order (cancelled lines
#     included), so a line keeps its number whatever happens to the
#     others. RequestedQuantity is the quantity in the sales unit, at most
#     3 decimals (Edm.Decimal(15,3)); RequestedQuantityUnit is SAP's
#     internal unit for the UN/ECE Rec 20 code (sap.unit).
#   - Lines the channel cancelled are items too, with
#     SalesDocumentRjcnReason = sap_rejection_reason and no price: SAP
#     counts a rejected item in no value, and the order shows what the
#     buyer cancelled. A cancelled order (which reaches SAP only as an
#     update: see flows/erp_sap.hcl) has every item rejected.
#   - Prices: every open item carries the channel's price in
#     sap_price_condition (PPR0) — a price of 0.00 too, so that SAP does
#     not price a free item from its own records. The rate is per 1 unit
#     when gross / quantity has no more decimals than the currency;
#     otherwise the rate is the line's gross per pricing unit
#     (ConditionQuantity) = its quantity, which SAP multiplies back exactly.
#     A line's discounts (its own and its share of the order's) are one
#     sap_discount_condition (RB00) element, a fixed negative amount.
#   - Freight: the shipping charges less their discounts
#     (erp.shipping_net), as one header element sap_freight_condition
#     (HD00), a fixed amount, when there is freight.
#   - Tax is not sent: SAP determines it (tax codes, jurisdictions) from
#     its master data, like every ERP with its own tax engine. The
#     channel's tax lines stay in the canonical order. An order whose
#     prices include tax (taxes_included) is sent with those prices:
#     give its sales document type a pricing procedure with gross prices
#     (tax included), or SAP adds the tax a second time.
#
# SAP's arithmetic (what the conformance tests check for every accepted
# corpus order): an item's net value is rate × RequestedQuantity /
# ConditionQuantity, rounded to the currency's decimals (exact by
# construction), plus its discount element; rejected items count nothing;
# the order's net value adds the freight element. Net value + the
# channel's tax (unless the channel's prices include it) = the channel's
# grand total, to the cent.

import "erp" {}

type "A_SalesOrder" {
  schema      = "sales_order.schema.json"
  description = "The deep-insert body of POST API_SALES_ORDER_SRV/A_SalesOrder."
}

type "RefInput" {
  schema      = "ref_input.schema.json"
  description = "A Transload reference text and the key to read from it."
}

# SAP's internal (commercial, English) unit of measure for a UN/ECE
# Rec 20 code. SAP's ISO codes are the Rec 20 codes; its internal codes
# differ for these units (T006: KG is KGM, PC is C62 / H87 …). A unit not
# listed is sent as its Rec 20 code, which is SAP's internal code too for
# EA, CS, BX, PK and the like; override this mapping for units your
# system names otherwise.
mapping "unit" {
  input = string
  value = <<-CEL
    {
      'C62': 'PC', 'H87': 'PC', 'KGM': 'KG', 'GRM': 'G', 'LBR': 'LB', 'ONZ': 'OZ', 'TNE': 'TO',
      'MTR': 'M', 'CMT': 'CM', 'MMT': 'MM', 'KMT': 'KM', 'FOT': 'FT', 'INH': 'IN', 'YRD': 'YD',
      'LTR': 'L', 'MLT': 'ML', 'GLL': 'GAL', 'MTK': 'M2', 'MTQ': 'M3', 'HUR': 'H',
      'PR': 'PAA', 'PF': 'PAL', 'PK': 'PAK', 'CT': 'CAR'
    }[?input].orValue(input)
  CEL
}

# The UN/ECE Rec 20 code of an SAP internal unit: the inverse of sap.unit
# (PC, SAP's piece, reads as EA like uom('PCS') does), else the code as
# SAP gives it, normalised by uom() (an unknown unit is UNKNOWN_UNIT).
mapping "rec20" {
  input = string
  value = <<-CEL
    uom({
      'PC': 'EA', 'ST': 'EA', 'KG': 'KGM', 'G': 'GRM', 'LB': 'LBR', 'OZ': 'ONZ', 'TO': 'TNE',
      'M': 'MTR', 'CM': 'CMT', 'MM': 'MMT', 'KM': 'KMT', 'FT': 'FOT', 'IN': 'INH', 'YD': 'YRD',
      'L': 'LTR', 'ML': 'MLT', 'GAL': 'GLL', 'M2': 'MTK', 'M3': 'MTQ', 'H': 'HUR',
      'PAA': 'PR', 'PAL': 'PF', 'PAK': 'PK', 'CAR': 'CT'
    }[?input].orValue(input))
  CEL
}

# An Edm.DateTime value for the calendar day of an instant in
# sap_time_zone: "/Date(<ms of that day's midnight UTC>)/".
mapping "date" {
  input = timestamp
  value = "'/Date(' + string(epoch_millis(parse_date(format_date(input, vars.sap_time_zone)))) + ')/'"
}

# An Edm.DateTime or Edm.DateTimeOffset value as OData v2 JSON writes it,
# "/Date(1546992000000)/" or "/Date(1546992000000+0060)/", as an instant
# (the offset, minutes, only says in which zone it was entered).
mapping "parse_date" {
  input = DateText
  value = <<-CEL
    cel.bind(d, replace(replace(input.text, '/Date(', ''), ')/', ''),
      from_epoch_millis(int(size(d) > 5 && substr(d, size(d) - 5, 1) in ['+', '-'] ? substr(d, 0, size(d) - 5) : d)))
  CEL
}

# An Edm.Time value "PT14H30M05S" as milliseconds since midnight.
mapping "time_millis" {
  input = DateText
  value = "int(substr(input.text, 2, 2)) * 3600000 + int(substr(input.text, 5, 2)) * 60000 + int(substr(input.text, 8, 2)) * 1000"
}

type "DateText" {
  schema      = "date_text.schema.json"
  description = "An OData v2 date or time value: {\"text\": \"/Date(1546992000000)/\"}."
}

# A condition for $filter, URL-encoded: Field%20eq%20'value', with quotes
# doubled as OData string literals want and the value URL-escaped
# (url_escape, a space as %20 as in the rest of the condition: OData's
# URL syntax does not read "+" as a space).
mapping "odata_eq" {
  input = any
  value = <<-CEL
    input[0] + '%20eq%20%27' + replace(url_escape(replace(input[1], "'", "''")), '+', '%20') + '%27'
  CEL
}

# The value of key in a Transload reference text ("key=value" lines), or
# "" when the text has no such line.
mapping "ref" {
  input = RefInput
  value = <<-CEL
    cel.bind(found, split(input.text, '\n').filter(l, l.startsWith(input.key + '=')),
      size(found) == 0 ? ''
        : cel.bind(j, join([found[0]], ''), trim(substr(j, size(input.key) + 1, size(j) - size(input.key) - 1))))
  CEL
}

# The sold-to customer of a channel's orders.
mapping "sold_to" {
  input = string
  value = <<-CEL
    cel.bind(s, input in vars.sap_sold_to_parties ? vars.sap_sold_to_parties[input] : vars.sap_sold_to_party,
      require(s, s != '', 'NULL_REQUIRED_FIELD',
        'no SAP sold-to customer for channel ' + input + ': set sap_sold_to_party or sap_sold_to_parties'))
  CEL
}

# A decimal as an Edm.Decimal string.
mapping "dec" {
  input = decimal
  value = "format_decimal(input)"
}

# The header reference text: channel, order, correlation id, and the
# order number and buyer's PO when the channel gives them.
mapping "reference_text" {
  input = erp.OrderInput
  value = <<-CEL
    join(['channel=' + input.order.channel, 'order=' + input.order.id, 'correlation=' + input.correlation_id]
      + (input.order.?order_number.orValue('') != '' ? ['number=' + input.order.order_number] : [])
      + (input.order.?po_number.orValue('') != '' ? ['po=' + input.order.po_number] : []), '\n')
  CEL
}

# An item's reference text: the channel's line id and SKU.
mapping "item_text" {
  input = erp.Line
  value = <<-CEL
    {'results': [{
      'Language': vars.sap_text_language,
      'LongTextID': vars.sap_reference_text_id,
      'LongText': 'line=' + input.line_id + '\nsku=' + input.sku
    }]}
  CEL
}

# The price element of an open item: per 1 unit when gross / quantity is
# exact in the currency, else the gross per the whole quantity.
mapping "price_element" {
  input  = erp.Line
  output = "sap.A_SalesOrderItemPrElement"
  value  = <<-CEL
    cel.bind(q, input.quantity.value,
    cel.bind(g, input.gross.amount,
    cel.bind(d, currency_digits(input.gross.currency),
    cel.bind(unit, sap.unit(input.quantity.uom),
      q == decimal('0') || round(g / q, d) == g / q
        ? {
            'ConditionType': vars.sap_price_condition,
            'ConditionRateValue': format_decimal(q == decimal('0') ? g : round(g / q, d)),
            'ConditionCurrency': input.gross.currency,
            'ConditionQuantity': '1',
            'ConditionQuantityUnit': unit
          }
        : {
            'ConditionType': vars.sap_price_condition,
            'ConditionRateValue': format_decimal(g),
            'ConditionCurrency': input.gross.currency,
            'ConditionQuantity': format_decimal(require(q, round(q, 0) == q && q <= decimal('99999'), 'INVALID_QUANTITY',
              'line ' + input.line_id + ': ' + format_money(input.gross) + ' for ' + format_decimal(q) + ' ' + input.quantity.uom
              + ' has no exact unit price, and SAP takes a pricing unit only as a whole number up to 99999')),
            'ConditionQuantityUnit': unit
          }))))
  CEL
}

# A line's discounts as one fixed negative amount.
mapping "discount_element" {
  input  = money
  output = "sap.A_SalesOrderItemPrElement"
  fields = {
    ConditionType      = "vars.sap_discount_condition"
    ConditionRateValue = "format_decimal(-input.amount)"
    ConditionCurrency  = "input.currency"
  }
}

# One open item.
mapping "order_item" {
  input  = ItemInput
  output = "sap.A_SalesOrderItem"
  fields = {
    SalesOrderItem        = "input.number"
    Material              = "input.line.item"
    SalesOrderItemText    = "input.line.?description.optMap(t, truncate(t, 40))"
    RequestedQuantity     = <<-CEL
      format_decimal(require(input.line.quantity.value, round(input.line.quantity.value, 3) == input.line.quantity.value, 'INVALID_QUANTITY',
        'line ' + input.line.line_id + ': SAP takes at most 3 decimals, not ' + format_decimal(input.line.quantity.value)))
    CEL
    RequestedQuantityUnit = "sap.unit(input.line.quantity.uom)"
    to_PricingElement     = <<-CEL
      {'results': [sap.price_element(input.line)] + (input.line.discount > money(0, input.line.discount.currency)
        ? [sap.discount_element(input.line.discount)] : [])}
    CEL
    to_Text               = "sap.item_text(input.line)"
  }
}

type "ItemInput" {
  schema      = "item_input.schema.json"
  description = "An ERP line and its SAP item number."
}

type "RejectedInput" {
  schema      = "rejected_input.schema.json"
  description = "A cancelled canonical line and its SAP item number."
}

# One item the channel cancelled: rejected, no price.
mapping "rejected_item" {
  input  = RejectedInput
  output = "sap.A_SalesOrderItem"
  fields = {
    SalesOrderItem          = "input.number"
    Material                = "lookup_value(tables.erp_items, input.line.sku, 'item', input.line.sku)"
    SalesOrderItemText      = "input.line.?description.optMap(t, truncate(t, 40))"
    RequestedQuantity       = "format_decimal(erp.quantity(input.line).value)"
    RequestedQuantityUnit   = "sap.unit(erp.quantity(input.line).uom)"
    SalesDocumentRjcnReason = "vars.sap_rejection_reason"
    to_Text                 = <<-CEL
      {'results': [{
        'Language': vars.sap_text_language,
        'LongTextID': vars.sap_reference_text_id,
        'LongText': 'line=' + input.line.line_id + '\nsku=' + input.line.sku
      }]}
    CEL
  }
}

# The canonical lines an ERP gets as lines of their own, whatever their
# status: kit lines or their components, by erp_kits (as erp.parts).
mapping "sendable" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(kits, input.lines.filter(c, has(c.kit_parent)).map(c, c.kit_parent),
      vars.erp_kits == 'components'
        ? input.lines.filter(l, !(l.line_id in kits))
        : input.lines.filter(l, !has(l.kit_parent)))
  CEL
}

# A canonical order as an A_SalesOrder deep insert: see the top of this
# file.
mapping "sales_order" {
  input  = erp.OrderInput
  output = "sap.A_SalesOrder"
  fields = {
    SalesOrderType            = "vars.sap_sales_order_type"
    SalesOrganization         = "vars.sap_sales_organization"
    DistributionChannel       = "vars.sap_distribution_channel"
    OrganizationDivision      = "vars.sap_division"
    SoldToParty               = "sap.sold_to(input.order.channel)"
    PurchaseOrderByCustomer   = <<-CEL
      require(input.order.id, size(input.order.id) <= 35, 'VALUE_TOO_LONG',
        'order id ' + input.order.id + ' is longer than PurchaseOrderByCustomer (35 characters)')
    CEL
    CustomerPurchaseOrderDate = "sap.date(input.order.placed_at)"
    RequestedDeliveryDate     = "input.order.?ship_by.optMap(t, sap.date(t))"
    TransactionCurrency       = "input.order.currency"
    to_Item                   = <<-CEL
      cel.bind(numbers, input.order.lines.transformMapEntry(i, l, {l.line_id: string((i + 1) * 10)}),
        {'results':
          (input.order.status == 'cancelled' ? [] : erp.lines({'order': input.order, 'line_discounts': true}))
            .map(l, sap.order_item({'line': l, 'number': numbers[l.line_id]}))
          + sap.sendable(input.order)
              .filter(l, input.order.status == 'cancelled' || l.status == 'cancelled')
              .map(l, sap.rejected_item({'order': input.order, 'line': l, 'number': numbers[l.line_id]}))
        })
    CEL
    to_PricingElement         = <<-CEL
      cel.bind(freight, erp.shipping_net(input.order),
        input.order.status != 'cancelled' && freight > money(0, input.order.currency)
          ? optional.of({'results': [{
              'ConditionType': vars.sap_freight_condition,
              'ConditionRateValue': format_decimal(freight.amount),
              'ConditionCurrency': freight.currency
            }]})
          : optional.none())
    CEL
    to_Text                   = <<-CEL
      {'results': [{
        'Language': vars.sap_text_language,
        'LongTextID': vars.sap_reference_text_id,
        'LongText': sap.reference_text(input)
      }]}
    CEL
  }
}
