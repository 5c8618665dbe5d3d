# Canonical orders into Oracle Fusion Cloud Order Management sales orders.
#
# Target: REST API version 11.13.18.05, resource Sales Orders for Order
# Hub: POST /fscmRestApi/resources/11.13.18.05/salesOrdersForOrderHub
# with its lines, sent with the header Upsert-Mode: true (see
# flows/erp_oracle.hcl). Settings are the oracle_* variables there.
#
# What goes where:
#   - The source order key: SourceTransactionSystem = oracle_source_system
#     (TRANSLOAD, set up in Order Management as an upstream source
#     system); SourceTransactionId = SourceTransactionNumber =
#     "<channel>:<channel order id>" (at most 50 characters, else
#     VALUE_TOO_LONG). Order Management keys the order on system + id, so
#     the order is read as GET …/salesOrdersForOrderHub/TRANSLOAD:<key>,
#     and a second POST of the same key revises it instead of creating
#     another.
#   - CustomerPONumber = the same "<channel>:<channel order id>": Order
#     Management hands it on to shipping and to Receivables
#     (receivablesInvoices.PurchaseOrder), so invoices lead back to the
#     channel order without a lookup (oracle.invoice). Comments hold the
#     reference lines "channel=…", "order=…", "correlation=…" and, when
#     the channel gives them, "number=…" and "po=…" (the buyer's own PO).
#   - BusinessUnitName, BuyingPartyNumber (per channel by
#     oracle_buying_party_numbers, else oracle_buying_party_number),
#     TransactionTypeCode (oracle_order_type, when set),
#     TransactionalCurrencyCode, TransactionOn (placed_at),
#     RequestedShipDate (ship_by, when the channel gives one).
#   - shipToCustomer: the channel's ship-to address (Address1-3, City,
#     State, PostalCode, Country) with the company or person as PartyName.
#     Bill-to is the buying party's own (Order Management's default).
#   - Lines: erp.lines with line_discounts (the order's discount on the
#     lines, to the cent), kits by erp_kits, item and unit from
#     tables/erp_items.csv. SourceTransactionLineId =
#     SourceTransactionLineNumber = the channel's line id (one schedule,
#     "1", per line). OrderedUOMCode is Oracle's code for the Rec 20 unit
#     (oracle.uom).
#   - Prices: the channel priced the order, so FreezePriceFlag and
#     FreezeShippingChargeFlag are true (Order Management neither prices
#     it again nor adds shipping charges) and every line brings
#     UnitListPrice (gross / quantity) and UnitSellingPrice (net amount /
#     quantity, its discounts and its share of the order's taken off).
#     Discounts are the difference between the two prices rather than
#     manual price adjustments, which Oracle Pricing applies and a frozen
#     order never runs.
#   - Freight: the shipping charges less their discounts
#     (erp.shipping_net) are one more line, ProductNumber =
#     oracle_freight_item (a non-shippable item), quantity 1, id FREIGHT.
#   - Tax: not sent; Oracle Tax calculates it (FreezeTaxFlag false). An
#     order whose prices include tax (taxes_included) is sent with those
#     prices: its tax rates must be set up as inclusive, or Oracle adds
#     the tax a second time.
#   - Cancellation: a cancelled order reaches Oracle only as an update of
#     an order it has; it is sent as a revision of that order whose lines
#     all have OrderedQuantity 0 with CancelReasonCode = oracle_cancel_reason
#     (when set), the way Order Management cancels lines from a source
#     system. Lines the channel cancelled in an order that stays open are
#     not sent.
#
# Oracle's arithmetic (what the conformance tests check for every accepted
# corpus order): a line's extended amount is OrderedQuantity ×
# UnitSellingPrice rounded to the currency's decimals. Unit prices carry
# the currency's decimals when the division is exact, 6 decimals
# otherwise; a line whose extension would not give back its exact amount
# is INVALID_MONEY (it cannot happen below 5000 units). Σ extended amounts
# (freight line included) + the channel's tax (unless its prices include
# tax) = the channel's grand total, to the cent.

import "erp" {}

type "SalesOrder" {
  schema      = "sales_order.schema.json"
  description = "The body of POST salesOrdersForOrderHub (Oracle Fusion Order Management REST 11.13.18.05)."
}

# Oracle's unit of measure code for a UN/ECE Rec 20 code. Oracle's codes
# are defined per implementation (Manage Units of Measure); the seeded
# and documented "Ea" stands for each. Other units are sent as their
# Rec 20 code: override this mapping for codes your instance names
# otherwise.
mapping "uom" {
  input = string
  value = "{'EA': 'Ea', 'C62': 'Ea', 'H87': 'Ea'}[?input].orValue(input)"
}

# The Rec 20 code of an Oracle unit of measure, code or name (Receivables
# and items name units: "Each", "Pound"): the inverse of oracle.uom and
# the common names, else the text normalised by uom() (an unknown unit is
# UNKNOWN_UNIT).
mapping "rec20" {
  input = string
  value = <<-CEL
    uom({
      'Ea': 'EA', 'Each': 'EA', 'Dozen': 'DZN', 'Pound': 'LBR', 'Kilogram': 'KGM', 'Gram': 'GRM', 'Ounce': 'ONZ',
      'Meter': 'MTR', 'Foot': 'FOT', 'Inch': 'INH', 'Liter': 'LTR', 'Gallon': 'GLL'
    }[?input].orValue(input))
  CEL
}

# A unit price: quotient with the currency's decimals when exact, else 6
# decimals; fails when quantity × price would not give the amount back.
mapping "unit_price" {
  input = PriceInput
  value = <<-CEL
    cel.bind(q, input.quantity,
    cel.bind(a, input.amount.amount,
    cel.bind(d, currency_digits(input.amount.currency),
      q == decimal('0') ? a
      : round(a / q, d) == a / q ? round(a / q, d)
      : require(round(a / q, 6), round(q * round(a / q, 6), d) == a, 'INVALID_MONEY',
          'line ' + input.line_id + ': ' + format_money(input.amount) + ' for ' + format_decimal(q)
          + ' units has no unit price that Oracle extends back to it'))))
  CEL
}

type "PriceInput" {
  schema      = "price_input.schema.json"
  description = "An amount, the quantity it is for, and the line it belongs to."
}

# The buying party of a channel's orders.
mapping "buying_party" {
  input = string
  value = <<-CEL
    cel.bind(p, input in vars.oracle_buying_party_numbers ? vars.oracle_buying_party_numbers[input] : vars.oracle_buying_party_number,
      require(p, p != '', 'NULL_REQUIRED_FIELD',
        'no Oracle buying party for channel ' + input + ': set oracle_buying_party_number or oracle_buying_party_numbers'))
  CEL
}

# The order's key in Oracle: "<channel>:<channel order id>".
mapping "key" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(k, input.channel + ':' + input.id,
      require(k, size(k) <= 50, 'VALUE_TOO_LONG', 'order key ' + k + ' is longer than SourceTransactionId (50 characters)'))
  CEL
}

# The reference lines of Comments.
mapping "comments" {
  input = erp.OrderInput
  value = <<-CEL
    join(['channel=' + input.order.channel, 'order=' + input.order.id, 'correlation=' + input.correlation_id]
      + (input.order.?order_number.orValue('') != '' ? ['number=' + input.order.order_number] : [])
      + (input.order.?po_number.orValue('') != '' ? ['po=' + input.order.po_number] : []), '\n')
  CEL
}

# A line id as Oracle takes it (at most 50 characters).
mapping "line_id" {
  input = string
  value = "require(input, size(input) <= 50, 'VALUE_TOO_LONG', 'line id ' + input + ' is longer than SourceTransactionLineId (50 characters)')"
}

# One open line, priced by the channel.
mapping "line" {
  input  = erp.Line
  output = "oracle.SalesOrderLine"
  fields = {
    SourceTransactionLineId     = "oracle.line_id(input.line_id)"
    SourceTransactionLineNumber = "input.line_id"
    SourceTransactionScheduleId = "'1'"
    SourceScheduleNumber        = "'1'"
    TransactionCategoryCode     = "'ORDER'"
    ProductNumber               = "input.item"
    OrderedQuantity             = "input.quantity.value"
    OrderedUOMCode              = "oracle.uom(input.quantity.uom)"
    UnitListPrice               = "oracle.unit_price({'amount': input.gross, 'quantity': input.quantity.value, 'line_id': input.line_id})"
    UnitSellingPrice            = "oracle.unit_price({'amount': input.amount, 'quantity': input.quantity.value, 'line_id': input.line_id})"
  }
}

# The freight line: shipping less shipping discounts, quantity 1.
mapping "freight_line" {
  input  = money
  output = "oracle.SalesOrderLine"
  fields = {
    SourceTransactionLineId     = "'FREIGHT'"
    SourceTransactionLineNumber = "'FREIGHT'"
    SourceTransactionScheduleId = "'1'"
    SourceScheduleNumber        = "'1'"
    TransactionCategoryCode     = "'ORDER'"
    ProductNumber               = "vars.oracle_freight_item"
    OrderedQuantity             = "decimal('1')"
    OrderedUOMCode              = "oracle.uom('EA')"
    UnitListPrice               = "input.amount"
    UnitSellingPrice            = "input.amount"
  }
}

# The freight line of a cancelled order: quantity 0.
mapping "cancelled_freight_line" {
  input  = money
  output = "oracle.SalesOrderLine"
  fields = {
    SourceTransactionLineId     = "'FREIGHT'"
    SourceTransactionLineNumber = "'FREIGHT'"
    SourceTransactionScheduleId = "'1'"
    SourceScheduleNumber        = "'1'"
    TransactionCategoryCode     = "'ORDER'"
    ProductNumber               = "vars.oracle_freight_item"
    OrderedQuantity             = "decimal('0')"
    OrderedUOMCode              = "oracle.uom('EA')"
    CancelReasonCode            = "vars.oracle_cancel_reason != '' ? optional.of(vars.oracle_cancel_reason) : optional.none()"
  }
}

# A line of a cancelled order: quantity 0, with the cancel reason.
mapping "cancelled_line" {
  input  = commerce.OrderLine
  output = "oracle.SalesOrderLine"
  fields = {
    SourceTransactionLineId     = "oracle.line_id(input.line_id)"
    SourceTransactionLineNumber = "input.line_id"
    SourceTransactionScheduleId = "'1'"
    SourceScheduleNumber        = "'1'"
    TransactionCategoryCode     = "'ORDER'"
    ProductNumber               = "lookup_value(tables.erp_items, input.sku, 'item', input.sku)"
    OrderedQuantity             = "decimal('0')"
    OrderedUOMCode              = "oracle.uom(erp.quantity(input).uom)"
    CancelReasonCode            = "vars.oracle_cancel_reason != '' ? optional.of(vars.oracle_cancel_reason) : optional.none()"
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

# The ship-to address.
mapping "ship_to" {
  input  = commerce.Address
  output = "oracle.SalesOrderShipTo"
  fields = {
    PartyName   = "input.?company.orValue('') != '' ? optional.of(input.company) : input.?name"
    ContactName = "input.?company.orValue('') != '' ? input.?name : optional.none()"
    Address1    = "input.?line1"
    Address2    = "input.?line2"
    Address3    = "input.?line3"
    City        = "input.?city"
    State       = "input.?region"
    PostalCode  = "input.?postal_code"
    Country     = "input.country"
  }
}

# A canonical order as a salesOrdersForOrderHub create/revise body: see
# the top of this file.
mapping "sales_order" {
  input  = erp.OrderInput
  output = "oracle.SalesOrder"
  fields = {
    SourceTransactionNumber   = "oracle.key(input.order)"
    SourceTransactionSystem   = "vars.oracle_source_system"
    SourceTransactionId       = "oracle.key(input.order)"
    BusinessUnitName          = "vars.oracle_business_unit"
    BuyingPartyNumber         = "oracle.buying_party(input.order.channel)"
    TransactionTypeCode       = "vars.oracle_order_type != '' ? optional.of(vars.oracle_order_type) : optional.none()"
    TransactionalCurrencyCode = "input.order.currency"
    TransactionOn             = "format_time(input.order.placed_at, 'UTC')"
    RequestedShipDate         = "input.order.?ship_by.optMap(t, format_time(t, 'UTC'))"
    CustomerPONumber          = "oracle.key(input.order)"
    Comments                  = "truncate(oracle.comments(input), 2000)"
    SubmittedFlag             = "true"
    FreezePriceFlag           = "true"
    FreezeShippingChargeFlag  = "true"
    FreezeTaxFlag             = "false"
    CancelReasonCode          = "input.order.status == 'cancelled' && vars.oracle_cancel_reason != '' ? optional.of(vars.oracle_cancel_reason) : optional.none()"
    lines                     = <<-CEL
      cel.bind(freight, erp.shipping_net(input.order),
        input.order.status == 'cancelled'
          ? oracle.sendable(input.order).map(l, oracle.cancelled_line(l))
            + (freight > money(0, input.order.currency) ? [oracle.cancelled_freight_line(freight)] : [])
          : erp.lines({'order': input.order, 'line_discounts': true}).map(l, oracle.line(l))
            + (freight > money(0, input.order.currency) ? [oracle.freight_line(freight)] : []))
    CEL
    shipToCustomer            = "input.order.?ship_to.optMap(a, [oracle.ship_to(a)])"
  }
}

# Text as one URL path segment: the characters a URL gives a meaning to
# escaped (url_path_escape).
mapping "path_segment" {
  input = string
  value = "url_path_escape(input)"
}
