# Canonical orders into Dynamics 365 Finance and Operations (Supply Chain
# Management) sales orders.
#
# Target: the F&O OData service (/data, OData v4), data entities
# SalesOrderHeaderV2Entity (collection SalesOrderHeadersV2, key dataAreaId
# + SalesOrderNumber) and SalesOrderLineV2Entity (collection
# SalesOrderLines: the V2 line entity's public collection has no V2 in its
# name). The document is the header with its lines in the header's
# SalesOrderLines navigation property. F&O's OData endpoint takes no deep
# insert: the lines go in the same $batch changeset as the header (POST
# SalesOrderHeadersV2, then POST $1/SalesOrderLines per line, $1 naming
# the header the changeset created), atomically: the http sink's format
# "odata_batch". The settings are in flows/erp_d365.hcl.
#
# What it fills:
#   - dataAreaId: vars.d365_company; SalesOrderNumber is left to the sales
#     order number sequence.
#   - OrderingCustomerAccountNumber and InvoiceCustomerAccountNumber:
#     vars.d365_customer_accounts[channel], else vars.d365_customer_account;
#     neither set is INVALID_SETTING.
#   - CustomersOrderReference: "<channel>:<channel order id>" (at most 60
#     characters, else INVALID_REFERENCE): the sink finds an order it may
#     have created by it, and F&O copies it to the invoices
#     (SalesInvoiceHeadersV2.CustomersOrderReference) and packing slips,
#     where d365.invoice and d365.shipment read the channel and order back.
#   - CustomerRequisitionNumber: the buyer's PO number, else the channel's
#     order number, when it fits its 20 characters.
#   - CurrencyCode: the order's currency (ISO 4217 codes, as F&O's
#     standard currencies are).
#   - RequestedShippingDate: ship_by, else placed_at, as a date in
#     vars.d365_time_zone (F&O's date fields are Edm.DateTimeOffset,
#     written YYYY-MM-DDT12:00:00Z).
#   - The delivery address as a one-time address of the order
#     (IsDeliveryAddressOrderSpecific = Yes): street lines joined by a line
#     break, StateId = region, and DeliveryAddressCountryRegionId the
#     ISO 3166-1 alpha-3 code (USA, DEU), which F&O's standard address
#     setup uses as country/region id; vars.d365_country_regions overrides
#     it per alpha-2 code for companies with other ids.
#   - SalesOrderLines, per erp.lines line (open lines, kits by
#     vars.erp_kits, units from tables/erp_items.csv, order-level
#     discounts allocated to the lines to the cent): ItemNumber (the ERP
#     item), ExternalItemNumber (the channel SKU: the customer's item
#     number, printed on packing slips and invoices), CustomersLineNumber
#     (the line's position), OrderLineReference (the channel's line id: the
#     customer's order line reference, as e-invoices quote it),
#     LineDescription, OrderedSalesQuantity, SalesUnitSymbol
#     (vars.d365_units[Rec 20 code], else the code), SalesPrice and
#     LineDiscountAmount per unit, LineAmount.
#     Freight (erp.shipping_net), when not zero: a line of the non-stocked
#     item vars.d365_freight_item (unset: INVALID_SETTING). The channel's
#     tax, only when vars.d365_tax_item is set and prices exclude tax: a
#     line of that item per jurisdiction; otherwise F&O computes sales tax
#     from its tax groups.
#
# Arithmetic (what the tests check): F&O's LineDiscountAmount is a
# discount per unit, subtracted from the unit price, so a line's amount is
# ROUND((SalesPrice − LineDiscountAmount) × OrderedSalesQuantity). Both
# per-unit amounts are gross and discount ÷ quantity, rounded half up to
# vars.d365_price_decimals; a line where that does not give back its exact
# net amount is INVALID_MONEY, never sent off by a cent, and LineAmount
# carries the exact net amount. So Σ LineAmount = the canonical grand total
# − tax (F&O adds its own sales tax), or the grand total itself with
# vars.d365_tax_item set or when prices include tax.
#
# Cancellation: F&O cancels a line by setting its remaining quantity to
# zero ("Deliver remainder" → Cancel quantity); a cancelled order's
# document has every line at OrderedSalesQuantity 0. The http sink cannot
# send it (PATCH SalesOrderLines(dataAreaId,InventoryLotId) per line):
# flows/erp_d365.hcl dead-letters updates for a person.
#
# Not carried: the correlation id. SalesOrderHeadersV2 has no free-text
# field for it (notes are document attachments, another entity); the sink
# sends it as X-Correlation-ID and Transload's ledger keys the delivery by
# "<channel>:<id>", the value of CustomersOrderReference.
import "erp" {}

type "SalesOrderHeaderV2" {
  schema      = "sales_order_header.schema.json"
  description = "A Dynamics 365 F&O SalesOrderHeadersV2 entity with its SalesOrderLines."
}

type "LineInput" {
  schema      = "line_input.schema.json"
  description = "An order and one of its erp.Line lines."
}

type "AmountLineInput" {
  schema      = "amount_line_input.schema.json"
  description = "A freight or tax line: one unit of a non-stocked item at an amount."
}

type "PerUnitInput" {
  schema      = "per_unit_input.schema.json"
  description = "An erp.Line and one of its amounts."
}

type "NextInput" {
  schema      = "next_input.schema.json"
  description = "An order and the position its next lines start at."
}

mapping "sales_order" {
  input  = erp.OrderInput
  output = "d365.SalesOrderHeaderV2"
  fields = {
    dataAreaId                     = "vars.d365_company"
    OrderingCustomerAccountNumber  = "d365.customer_account(input.order)"
    InvoiceCustomerAccountNumber   = "d365.customer_account(input.order)"
    CustomersOrderReference        = "d365.reference(input.order)"
    CustomerRequisitionNumber      = <<-CEL
      cel.bind(n, input.order.?po_number.orValue('') != '' ? input.order.po_number : input.order.?order_number.orValue(''),
        n != '' && size(n) <= 20 ? optional.of(n) : optional.none())
    CEL
    CurrencyCode                   = "input.order.currency"
    RequestedShippingDate          = "d365.shipping_date(input.order)"
    Email                          = "input.order.?customer.email"
    IsDeliveryAddressOrderSpecific = "has(input.order.ship_to) ? optional.of('Yes') : optional.none()"
    DeliveryAddressName            = "input.order.?ship_to.company.orValue('') != '' ? input.order.?ship_to.company : input.order.?ship_to.name"
    DeliveryAddressDescription     = "input.order.?ship_to.name.orValue('') != '' ? input.order.?ship_to.name : input.order.?ship_to.company"
    DeliveryAddressStreet          = <<-CEL
      input.order.?ship_to.line1.optMap(l1, l1
        + (input.order.ship_to.?line2.orValue('') != '' ? '\n' + input.order.ship_to.line2 : '')
        + (input.order.ship_to.?line3.orValue('') != '' ? '\n' + input.order.ship_to.line3 : ''))
    CEL
    DeliveryAddressCity            = "input.order.?ship_to.city"
    DeliveryAddressStateId         = "input.order.?ship_to.region"
    DeliveryAddressZipCode         = "input.order.?ship_to.postal_code"
    DeliveryAddressCountryRegionId = "input.order.?ship_to.optMap(a, d365.country_region_id(a))"
    SalesOrderLines                = "d365.lines(input)"
  }
}

# "<channel>:<channel order id>": the order's key in CustomersOrderReference.
mapping "reference" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(r, input.channel + ':' + input.id,
      require(r, size(r) <= 60, 'INVALID_REFERENCE',
        'the channel reference ' + r + ' is longer than the 60 characters of CustomersOrderReference'))
  CEL
}

# The query part that finds an order by its reference in the company:
# $filter=dataAreaId eq '…' and CustomersOrderReference eq '…', quotes
# doubled for OData, special characters percent-encoded for the URL.
mapping "find_filter" {
  input = commerce.Order
  value = <<-CEL
    '$filter=dataAreaId%20eq%20%27' + d365.url_literal(vars.d365_company)
      + '%27%20and%20CustomersOrderReference%20eq%20%27' + d365.url_literal(d365.reference(input)) + '%27&cross-company=true'
  CEL
}

# A string as the inside of an OData string literal in a URL: quotes
# doubled, the URL's special characters percent-encoded.
mapping "url_literal" {
  input = string
  value = <<-CEL
    replace(replace(replace(replace(replace(replace(
      input, '%', '%25'), ' ', '%20'), '#', '%23'), '&', '%26'), '+', '%2B'), "'", '%27%27')
  CEL
}

# The F&O customer account an order is sold to: per channel, else the
# default; never guessed from the buyer's name.
mapping "customer_account" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(n, input.channel in vars.d365_customer_accounts ? vars.d365_customer_accounts[input.channel] : vars.d365_customer_account,
      require(n, n != '', 'INVALID_SETTING',
        'no F&O customer account for ' + input.channel + ' orders: set d365_customer_accounts["' + input.channel + '"] or d365_customer_account (flows/erp_d365.hcl)'))
  CEL
}

# ship_by, else placed_at, as an F&O date.
mapping "shipping_date" {
  input = commerce.Order
  value = "format_date(input.?ship_by.orValue(input.placed_at), vars.d365_time_zone) + 'T12:00:00Z'"
}

# The F&O country/region id of an address: vars.d365_country_regions, else
# the ISO 3166-1 alpha-3 code of its alpha-2 country.
mapping "country_region_id" {
  input = commerce.Address
  value = <<-CEL
    input.country in vars.d365_country_regions ? vars.d365_country_regions[input.country] :
    cel.bind(id, {
      'AD': 'AND', 'AE': 'ARE', 'AF': 'AFG', 'AG': 'ATG', 'AI': 'AIA', 'AL': 'ALB', 'AM': 'ARM', 'AO': 'AGO',
      'AQ': 'ATA', 'AR': 'ARG', 'AS': 'ASM', 'AT': 'AUT', 'AU': 'AUS', 'AW': 'ABW', 'AX': 'ALA', 'AZ': 'AZE',
      'BA': 'BIH', 'BB': 'BRB', 'BD': 'BGD', 'BE': 'BEL', 'BF': 'BFA', 'BG': 'BGR', 'BH': 'BHR', 'BI': 'BDI',
      'BJ': 'BEN', 'BL': 'BLM', 'BM': 'BMU', 'BN': 'BRN', 'BO': 'BOL', 'BQ': 'BES', 'BR': 'BRA', 'BS': 'BHS',
      'BT': 'BTN', 'BV': 'BVT', 'BW': 'BWA', 'BY': 'BLR', 'BZ': 'BLZ', 'CA': 'CAN', 'CC': 'CCK', 'CD': 'COD',
      'CF': 'CAF', 'CG': 'COG', 'CH': 'CHE', 'CI': 'CIV', 'CK': 'COK', 'CL': 'CHL', 'CM': 'CMR', 'CN': 'CHN',
      'CO': 'COL', 'CR': 'CRI', 'CU': 'CUB', 'CV': 'CPV', 'CW': 'CUW', 'CX': 'CXR', 'CY': 'CYP', 'CZ': 'CZE',
      'DE': 'DEU', 'DJ': 'DJI', 'DK': 'DNK', 'DM': 'DMA', 'DO': 'DOM', 'DZ': 'DZA', 'EC': 'ECU', 'EE': 'EST',
      'EG': 'EGY', 'EH': 'ESH', 'ER': 'ERI', 'ES': 'ESP', 'ET': 'ETH', 'FI': 'FIN', 'FJ': 'FJI', 'FK': 'FLK',
      'FM': 'FSM', 'FO': 'FRO', 'FR': 'FRA', 'GA': 'GAB', 'GB': 'GBR', 'GD': 'GRD', 'GE': 'GEO', 'GF': 'GUF',
      'GG': 'GGY', 'GH': 'GHA', 'GI': 'GIB', 'GL': 'GRL', 'GM': 'GMB', 'GN': 'GIN', 'GP': 'GLP', 'GQ': 'GNQ',
      'GR': 'GRC', 'GS': 'SGS', 'GT': 'GTM', 'GU': 'GUM', 'GW': 'GNB', 'GY': 'GUY', 'HK': 'HKG', 'HM': 'HMD',
      'HN': 'HND', 'HR': 'HRV', 'HT': 'HTI', 'HU': 'HUN', 'ID': 'IDN', 'IE': 'IRL', 'IL': 'ISR', 'IM': 'IMN',
      'IN': 'IND', 'IO': 'IOT', 'IQ': 'IRQ', 'IR': 'IRN', 'IS': 'ISL', 'IT': 'ITA', 'JE': 'JEY', 'JM': 'JAM',
      'JO': 'JOR', 'JP': 'JPN', 'KE': 'KEN', 'KG': 'KGZ', 'KH': 'KHM', 'KI': 'KIR', 'KM': 'COM', 'KN': 'KNA',
      'KP': 'PRK', 'KR': 'KOR', 'KW': 'KWT', 'KY': 'CYM', 'KZ': 'KAZ', 'LA': 'LAO', 'LB': 'LBN', 'LC': 'LCA',
      'LI': 'LIE', 'LK': 'LKA', 'LR': 'LBR', 'LS': 'LSO', 'LT': 'LTU', 'LU': 'LUX', 'LV': 'LVA', 'LY': 'LBY',
      'MA': 'MAR', 'MC': 'MCO', 'MD': 'MDA', 'ME': 'MNE', 'MF': 'MAF', 'MG': 'MDG', 'MH': 'MHL', 'MK': 'MKD',
      'ML': 'MLI', 'MM': 'MMR', 'MN': 'MNG', 'MO': 'MAC', 'MP': 'MNP', 'MQ': 'MTQ', 'MR': 'MRT', 'MS': 'MSR',
      'MT': 'MLT', 'MU': 'MUS', 'MV': 'MDV', 'MW': 'MWI', 'MX': 'MEX', 'MY': 'MYS', 'MZ': 'MOZ', 'NA': 'NAM',
      'NC': 'NCL', 'NE': 'NER', 'NF': 'NFK', 'NG': 'NGA', 'NI': 'NIC', 'NL': 'NLD', 'NO': 'NOR', 'NP': 'NPL',
      'NR': 'NRU', 'NU': 'NIU', 'NZ': 'NZL', 'OM': 'OMN', 'PA': 'PAN', 'PE': 'PER', 'PF': 'PYF', 'PG': 'PNG',
      'PH': 'PHL', 'PK': 'PAK', 'PL': 'POL', 'PM': 'SPM', 'PN': 'PCN', 'PR': 'PRI', 'PS': 'PSE', 'PT': 'PRT',
      'PW': 'PLW', 'PY': 'PRY', 'QA': 'QAT', 'RE': 'REU', 'RO': 'ROU', 'RS': 'SRB', 'RU': 'RUS', 'RW': 'RWA',
      'SA': 'SAU', 'SB': 'SLB', 'SC': 'SYC', 'SD': 'SDN', 'SE': 'SWE', 'SG': 'SGP', 'SH': 'SHN', 'SI': 'SVN',
      'SJ': 'SJM', 'SK': 'SVK', 'SL': 'SLE', 'SM': 'SMR', 'SN': 'SEN', 'SO': 'SOM', 'SR': 'SUR', 'SS': 'SSD',
      'ST': 'STP', 'SV': 'SLV', 'SX': 'SXM', 'SY': 'SYR', 'SZ': 'SWZ', 'TC': 'TCA', 'TD': 'TCD', 'TF': 'ATF',
      'TG': 'TGO', 'TH': 'THA', 'TJ': 'TJK', 'TK': 'TKL', 'TL': 'TLS', 'TM': 'TKM', 'TN': 'TUN', 'TO': 'TON',
      'TR': 'TUR', 'TT': 'TTO', 'TV': 'TUV', 'TW': 'TWN', 'TZ': 'TZA', 'UA': 'UKR', 'UG': 'UGA', 'UM': 'UMI',
      'US': 'USA', 'UY': 'URY', 'UZ': 'UZB', 'VA': 'VAT', 'VC': 'VCT', 'VE': 'VEN', 'VG': 'VGB', 'VI': 'VIR',
      'VN': 'VNM', 'VU': 'VUT', 'WF': 'WLF', 'WS': 'WSM', 'YE': 'YEM', 'YT': 'MYT', 'ZA': 'ZAF', 'ZM': 'ZMB',
      'ZW': 'ZWE'
    }[?input.country].orValue(''),
      require(id, id != '', 'INVALID_COUNTRY', 'country ' + input.country + ' has no ISO 3166-1 alpha-3 code: add it to d365_country_regions'))
  CEL
}

# Every line of the order: the erp.lines lines, then freight and tax.
mapping "lines" {
  input = erp.OrderInput
  value = <<-CEL
    cel.bind(o, input.order,
    cel.bind(ls, erp.lines({'order': o, 'line_discounts': true}),
      ls.map(l, d365.line({'order': o, 'line': l}))
      + d365.freight_lines({'order': o, 'next': size(ls) + 1})
      + d365.tax_lines({'order': o, 'next': size(ls) + 2})))
  CEL
}

mapping "line" {
  input  = LineInput
  output = "d365.SalesOrderHeaderV2.SalesOrderLine"
  fields = {
    dataAreaId            = "vars.d365_company"
    ItemNumber            = "input.line.item"
    ExternalItemNumber    = "input.line.sku"
    CustomersLineNumber   = "input.line.?position"
    OrderLineReference    = "input.line.line_id"
    LineDescription       = "input.line.?description"
    OrderedSalesQuantity  = "input.order.status == 'cancelled' ? decimal('0') : input.line.quantity.value"
    SalesUnitSymbol       = "input.line.quantity.uom in vars.d365_units ? vars.d365_units[input.line.quantity.uom] : input.line.quantity.uom"
    SalesPrice            = "d365.per_unit({'line': input.line, 'amount': input.line.gross})"
    LineDiscountAmount    = "input.order.status == 'cancelled' ? decimal('0') : d365.per_unit({'line': input.line, 'amount': input.line.discount})"
    LineAmount            = "input.order.status == 'cancelled' ? decimal('0') : d365.checked_amount(input.line)"
    CurrencyCode          = "input.order.currency"
    RequestedShippingDate = "d365.shipping_date(input.order)"
  }
}

# An amount per unit of a line, at F&O's price decimals.
mapping "per_unit" {
  input = PerUnitInput
  value = <<-CEL
    cel.bind(q, input.line.quantity.value,
      q == decimal('0') ? decimal('0') : round(input.amount.amount / q, vars.d365_price_decimals, 'half_up'))
  CEL
}

# The line's net amount, provided F&O's ROUND((price − discount per unit)
# × quantity) gives it back exactly.
mapping "checked_amount" {
  input = erp.Line
  value = <<-CEL
    cel.bind(q, input.quantity.value,
    cel.bind(p, d365.per_unit({'line': input, 'amount': input.gross}),
    cel.bind(d, d365.per_unit({'line': input, 'amount': input.discount}),
      require(input.amount.amount, money_round((p - d) * q, input.amount.currency, 'half_up') == input.amount, 'INVALID_MONEY',
        'line ' + input.line_id + ': no unit price and discount with ' + string(vars.d365_price_decimals) + ' decimals give '
          + format_money(input.amount) + ' for ' + format_decimal(q) + ' ' + input.quantity.uom + ' (F&O rounds (price − discount) × quantity)'))))
  CEL
}

# Freight, when the order has any: a line of the freight item.
mapping "freight_lines" {
  input = NextInput
  value = <<-CEL
    cel.bind(net, erp.shipping_net(input.order),
      is_zero(net) ? [] : [d365.amount_line({
        'order': input.order,
        'position': input.next,
        'item': require(vars.d365_freight_item, vars.d365_freight_item != '', 'INVALID_SETTING',
          'the order has ' + format_money(net) + ' of freight and d365_freight_item is not set (flows/erp_d365.hcl)'),
        'description': 'Freight' + (has(input.order.shipping) && size(input.order.shipping) > 0 && input.order.shipping[0].?method.orValue('') != ''
          ? ': ' + input.order.shipping[0].method : ''),
        'amount': net
      })])
  CEL
}

# The channel's tax as lines of the tax item, by jurisdiction, when
# vars.d365_tax_item says so.
mapping "tax_lines" {
  input = NextInput
  value = <<-CEL
    vars.d365_tax_item == '' || input.order.?taxes_included.orValue(false) ? [] :
      d365.tax_parts(input.order).transformList(i, t, d365.amount_line({
        'order': input.order,
        'position': input.next + i,
        'item': vars.d365_tax_item,
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
  output = "d365.SalesOrderHeaderV2.SalesOrderLine"
  fields = {
    dataAreaId            = "vars.d365_company"
    ItemNumber            = "input.item"
    CustomersLineNumber   = "input.position"
    LineDescription       = "input.description"
    OrderedSalesQuantity  = "input.order.status == 'cancelled' ? decimal('0') : decimal('1')"
    SalesPrice            = "input.amount.amount"
    LineAmount            = "input.order.status == 'cancelled' ? decimal('0') : input.amount.amount"
    CurrencyCode          = "input.order.currency"
    RequestedShippingDate = "d365.shipping_date(input.order)"
  }
}
