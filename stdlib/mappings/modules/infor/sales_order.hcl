# Canonical orders into the Infor SyncSalesOrder BOD, for ION (Infor OS)
# and the ERPs behind it (CloudSuite Industrial, M3, LN: check that the
# receiving ERP's release lists SyncSalesOrder among its inbound BODs).
#
# Target: namespace http://schema.infor.com/InforOAGIS/2, releaseID 9.2
# (Infor's OAGIS 9.2 with its extensions). Element names and order follow
# OAGIS 9 (SyncSalesOrder, HeaderType, OrderHeaderType and their
# components: https://schemas.liquid-technologies.com/oagis/9/) and the
# OAGIS 10 reference (https://datypic.com/sc/oagis10/); see
# sales_order.schema.json. The mapping produces the structured document
# {"SyncSalesOrder": {...}}; stdlib/codec/xmldoc.Encode writes it as XML
# with CurrencyAttr "currencyID" and UnitAttr "unitCode" (amounts
# <TotalAmount currencyID="USD">12.30</TotalAmount>, quantities
# <Quantity unitCode="EA">2</Quantity>). The root carries its namespace
# as "@xmlns". Encode writes children in sorted key order, not the XSD
# sequence: see flows/erp_infor.hcl.
#
# What it fills, and the conventions:
#   - ApplicationArea: Sender/LogicalID (vars.infor_logical_id, the
#     logical id of the IMS connection point in ION Desk), ComponentID
#     (vars.infor_component_id), ConfirmationCode OnError (ION sends a
#     ConfirmBOD only when the receiver fails), CreationDateTime, BODID.
#   - BODID is stable: infor-nid:<tenant>:<accounting entity>:<location>:
#     <channel>:<order id>:<fingerprint>?SalesOrder&verb=Sync, where the
#     fingerprint is the first 16 hex digits of the SHA-256 of the order's
#     state (status, totals, and every line's id, SKU, status, quantity and
#     total). A retry or replay of the same order sends the same BODID, so
#     ION monitors and receivers see one message; an update with other
#     content gets a new one, so it is never taken for a duplicate.
#   - CreationDateTime is the order's placed_at: the mapping sees no clock,
#     and a BOD built twice from the same order must be the same bytes.
#   - DataArea/Sync: TenantID, AccountingEntityID and LocationID from the
#     variables (left out when empty), and ActionExpression actionCode
#     "Replace" ALWAYS: the flow sends an order again on every update and
#     cannot tell the mapping whether the ERP has it. In OAGIS, Sync with
#     Replace carries the whole noun and the receiver replaces the
#     instance with that DocumentID, so the first delivery, a retry and an
#     update all converge on one sales order; "Add" on an update would be
#     refused or duplicated. (A receiver that takes Replace only for an
#     order it already has must be set to add on Replace: check it in its
#     BOD documentation; the alternative, Add then Replace, needs to know
#     whether the ERP has the order, which a mapping cannot.)
#   - SalesOrderHeader: DocumentID/ID is "<channel>:<order id>" (the key
#     ION, the ERP's cross-reference and Transload share), with
#     accountingEntity and lid attributes; AlternateDocumentID/ID the
#     order number people use; CustomerPurchaseOrderReference the buyer's
#     PO number, else the order number, else the order id (what the buyer
#     knows, printed on the ERP's delivery notes and invoices);
#     CustomerParty/PartyIDs/ID the ERP customer vars.infor_customer_id
#     (required: an order with no customer account is INVALID_SETTING,
#     never guessed); ShipToParty and BillToParty with their addresses;
#     Note: the buyer's note and "Transload correlation id: <id>".
#   - Money: lines carry ExtendedAmount (quantity × price), Allowance (the
#     line's discount, the order-level discount allocated to the lines to
#     the cent by erp.lines) and TotalAmount (ExtendedAmount − Allowance,
#     tax excluded). The header's ExtendedAmount is Σ line TotalAmount,
#     Charge "Freight" the shipping less its discounts (erp.shipping_net),
#     Tax the order's taxes by jurisdiction (one "Tax" of totals.tax when
#     the channel gives none or they do not add up; none when the tax is
#     zero), and TotalAmount the
#     grand total: ExtendedAmount + Freight + Tax = TotalAmount, to the
#     cent, unless prices include tax (UserArea transload.taxes_included =
#     true; then the tax is shown but not added).
#   - Lines: erp.lines (open lines, kits by vars.erp_kits, item and unit
#     from tables/erp_items.csv, whole ERP units only). LineNumber is 1,
#     2, 3…; Item/ItemID/ID the ERP item; Quantity in the ERP unit;
#     UnitPrice/Amount the unit price when it is exact in the currency,
#     else the price of the whole quantity with PerQuantity = Quantity
#     (never rounded); Tax the line's taxes by jurisdiction.
#   - The channel line id is in CustomerPurchaseOrderReference/LineNumber
#     (OAGIS line numbers are text) and in the line's UserArea
#     (transload.line_id, transload.sku, transload.kit_parent): the ERP
#     carries the customer's PO line reference onto its shipments and
#     invoices, which is how infor.shipment and infor.invoice find the
#     channel's lines again. The header's UserArea has transload.channel,
#     transload.order_id, transload.order_number and
#     transload.correlation_id.
#   - Cancellation: a cancelled order the ERP already has (an update) is
#     sent as a Replace with Status/Code "Cancelled" on the header and on
#     every line (all its lines, kits resolved as above, as they were
#     ordered), so the ERP cancels the order and each line; its amounts
#     are those of the lines, not a total to reconcile.
import "erp" {}

# The ERP customer every order is booked to.
mapping "customer_id" {
  input = commerce.Order
  value = <<-CEL
    require(vars.infor_customer_id, vars.infor_customer_id != '', 'INVALID_SETTING',
      'order ' + input.channel + ':' + input.id + ': set the variable infor_customer_id to the Infor customer number the orders are booked to (CustomerParty/PartyIDs/ID)')
  CEL
}

# The reference the buyer knows: PO number, else order number, else id.
mapping "po_reference" {
  input = commerce.Order
  value = "input.?po_number.orValue(input.?order_number.orValue(input.id))"
}

# A short SHA-256 of the order's state, for the BODID.
mapping "fingerprint" {
  input = commerce.Order
  value = <<-CEL
    substr(sha256_hex(join([
      input.status,
      format_money(input.totals.grand_total),
      format_money(input.totals.discount),
      format_money(input.totals.shipping),
      format_money(input.totals.tax),
      join(input.lines.map(l, join([l.line_id, l.sku, l.status, format_decimal(l.quantity.value), l.quantity.uom, format_money(l.total)], ':')), ',')
    ], '|')), 0, 16)
  CEL
}

# The BODID: stable for one state of one order (see the file comment).
mapping "bod_id" {
  input = commerce.Order
  value = <<-CEL
    'infor-nid:' + vars.infor_tenant_id + ':' + vars.infor_accounting_entity + ':' + vars.infor_location_id + ':'
      + input.channel + ':' + input.id + ':' + infor.fingerprint(input) + '?SalesOrder&verb=Sync'
  CEL
}

# One UserArea property.
mapping "property" {
  input = any
  value = "{'NameValue': {'@name': input.name, '@type': 'StringType', '#text': input.value}}"
}

# A canonical address as an OAGIS Address: street lines numbered from 1.
mapping "address" {
  input  = commerce.Address
  output = "infor.SalesOrderBOD.Address"
  fields = {
    AddressLine            = <<-CEL
      [input.?line1, input.?line2, input.?line3].filter(o, o.hasValue() && o.value() != '').transformList(i, o, {'@sequence': i + 1, '#text': o.value()})
    CEL
    CityName               = "input.?city"
    CountrySubDivisionCode = "input.?region"
    CountryCode            = "input.country"
    PostalCode             = "input.?postal_code"
  }
}

# A party with an address (ship-to, bill-to): the company, else the
# person, as its name; the person as its contact.
mapping "party" {
  input  = commerce.Address
  output = "infor.SalesOrderBOD.Party"
  fields = {
    Name = "input.?company.or(input.?name)"
    Location = {
      Address = "infor.address(input)"
    }
    Contact = "has(input.name) || has(input.phone) || has(input.email) ? optional.of(infor.contact(input)) : optional.none()"
  }
}

mapping "contact" {
  input  = commerce.Address
  output = "infor.SalesOrderBOD.Contact"
  fields = {
    Name          = "input.?name"
    Communication = <<-CEL
      (has(input.phone) ? [{'ChannelCode': 'Telephone', 'DialNumber': input.phone}] : [])
        + (has(input.email) ? [{'ChannelCode': 'EMail', 'URI': input.email}] : [])
    CEL
  }
}

# Taxes by jurisdiction. Rates are fractions in the canonical model
# (0.06) and percentages in OAGIS (6).
mapping "tax" {
  input  = commerce.TaxLine
  output = "infor.SalesOrderBOD.Tax"
  fields = {
    ID                    = "input.title"
    TaxJurisdicationCodes = "input.?jurisdiction.optMap(j, {'Code': [j]})"
    Amount                = "input.amount"
    Percent               = "input.?rate.optMap(r, r * decimal('100'))"
  }
}

# The order's taxes: by jurisdiction when they add up to totals.tax, else
# one tax of totals.tax (none when it is zero), so the header always adds
# up.
mapping "header_taxes" {
  input = commerce.Order
  value = <<-CEL
    has(input.taxes) && size(input.taxes) > 0
      && sum_money(input.taxes.map(t, t.amount), input.currency) == input.totals.tax
      ? input.taxes.map(t, infor.tax(t))
      : is_zero(input.totals.tax) ? [] : [infor.tax({'title': 'Tax', 'amount': input.totals.tax})]
  CEL
}

# A line's taxes: by jurisdiction when the channel gives them, else its
# tax as one, else none.
mapping "line_taxes" {
  input = erp.Line
  value = <<-CEL
    has(input.taxes) && size(input.taxes) > 0 ? input.taxes.map(t, infor.tax(t))
      : has(input.tax) ? [infor.tax({'title': 'Tax', 'amount': input.tax})] : []
  CEL
}

# Whether the line's gross amount divides by its quantity into a unit
# price that is exact in the currency.
mapping "unit_price_exact" {
  input = erp.Line
  value = <<-CEL
    cel.bind(q, input.quantity.value,
      q != decimal('0') &&
      round(input.gross.amount / q, currency_digits(input.gross.currency)) * q == input.gross.amount)
  CEL
}

# UnitPrice: per unit when exact, else the whole quantity's price per
# that quantity (the amounts are exact, a rounded unit price is not).
mapping "unit_price" {
  input  = erp.Line
  output = "infor.SalesOrderBOD.UnitPrice"
  fields = {
    Amount      = <<-CEL
      infor.unit_price_exact(input)
        ? money(round(input.gross.amount / input.quantity.value, currency_digits(input.gross.currency)), input.gross.currency)
        : input.gross
    CEL
    PerQuantity = "infor.unit_price_exact(input) ? optional.none() : optional.of(input.quantity)"
  }
}

# The lines of a cancelled order: all of them, kits resolved, as ordered.
mapping "cancelled_lines" {
  input = commerce.Order
  value = <<-CEL
    cel.bind(kits, input.lines.filter(c, has(c.kit_parent)).map(c, c.kit_parent),
    cel.bind(sent, vars.erp_kits == 'components'
        ? input.lines.filter(l, !(l.line_id in kits))
        : input.lines.filter(l, !has(l.kit_parent)),
      sent.transformList(i, l, erp.line({
        'line': l, 'gross': erp.part(l).gross, 'discount': erp.part(l).discount, ?'tax': l.?tax, 'position': i + 1
      }))))
  CEL
}

# The ERP lines of an order: erp.lines with the order discount on the
# lines; for a cancelled order, its cancelled lines.
mapping "order_lines" {
  input = commerce.Order
  value = <<-CEL
    input.status == 'cancelled' ? infor.cancelled_lines(input) : erp.lines({'order': input, 'line_discounts': true})
  CEL
}

# One SalesOrderLine.
mapping "sales_order_line" {
  input  = LineInput
  output = "infor.SalesOrderBOD.SalesOrderLine"
  fields = {
    LineNumber = "string(input.line.position)"
    Status = {
      Code = "input.order.status == 'cancelled' ? 'Cancelled' : 'Open'"
    }
    Item = {
      ItemID = {
        ID = {
          "#text" = "input.line.item"
        }
      }
      Description = "input.line.?description"
    }
    Quantity       = "input.line.quantity"
    UnitPrice      = "infor.unit_price(input.line)"
    ExtendedAmount = "input.line.gross"
    TotalAmount    = "input.line.amount"
    Tax            = "infor.line_taxes(input.line)"
    Allowance      = "is_zero(input.line.discount) ? [] : [{'ID': 'Discount', 'Amount': input.line.discount}]"
    CustomerPurchaseOrderReference = {
      DocumentID = {
        ID = {
          "#text" = "infor.po_reference(input.order)"
        }
      }
      LineNumber = "input.line.line_id"
    }
    UserArea = {
      Property = <<-CEL
        [infor.property({'name': 'transload.line_id', 'value': input.line.line_id}),
         infor.property({'name': 'transload.sku', 'value': input.line.sku})]
        + (has(input.line.kit_parent) ? [infor.property({'name': 'transload.kit_parent', 'value': input.line.kit_parent})] : [])
      CEL
    }
  }
}

# The header of the SalesOrder.
mapping "sales_order_header" {
  input  = erp.OrderInput
  output = "infor.SalesOrderBOD.SalesOrderHeader"
  fields = {
    DocumentID = {
      ID = {
        "@accountingEntity" = "vars.infor_accounting_entity != '' ? optional.of(vars.infor_accounting_entity) : optional.none()"
        "@lid"              = "vars.infor_logical_id"
        "#text"             = "input.order.channel + ':' + input.order.id"
      }
    }
    AlternateDocumentID = "input.order.?order_number.optMap(n, {'ID': {'#text': n}})"
    DocumentDateTime    = "input.order.placed_at"
    Note                = <<-CEL
      (has(input.order.notes) && input.order.notes != '' ? [input.order.notes] : [])
        + ['Transload correlation id: ' + input.correlation_id]
    CEL
    Status = {
      Code = "input.order.status == 'cancelled' ? 'Cancelled' : 'Open'"
    }
    CustomerParty = {
      PartyIDs = {
        ID = {
          "#text" = "infor.customer_id(input.order)"
        }
      }
      Name    = "input.order.?customer.company.or(input.order.?customer.name)"
      Contact = <<-CEL
        input.order.?customer.email.hasValue() || input.order.?customer.phone.hasValue()
          ? optional.of({
              ?'Name': input.order.?customer.name,
              'Communication': (input.order.?customer.phone.hasValue() ? [{'ChannelCode': 'Telephone', 'DialNumber': input.order.customer.phone}] : [])
                + (input.order.?customer.email.hasValue() ? [{'ChannelCode': 'EMail', 'URI': input.order.customer.email}] : [])
            })
          : optional.none()
      CEL
    }
    ShipToParty    = "input.order.?ship_to.optMap(a, infor.party(a))"
    ExtendedAmount = "sum_money(infor.order_lines(input.order).map(l, l.amount), input.order.currency)"
    TotalAmount    = "input.order.totals.grand_total"
    BillToParty    = "input.order.?bill_to.optMap(a, infor.party(a))"
    Tax            = "infor.header_taxes(input.order)"
    Charge         = <<-CEL
      cel.bind(f, erp.shipping_net(input.order),
        is_zero(f) ? [] : [{'ID': 'Freight', 'Amount': f, ?'Description': input.order.?shipping[0].method}])
    CEL
    CustomerPurchaseOrderReference = {
      DocumentID = {
        ID = {
          "#text" = "infor.po_reference(input.order)"
        }
      }
    }
    UserArea = {
      Property = <<-CEL
        [infor.property({'name': 'transload.channel', 'value': input.order.channel}),
         infor.property({'name': 'transload.order_id', 'value': input.order.id}),
         infor.property({'name': 'transload.correlation_id', 'value': input.correlation_id})]
        + input.order.?order_number.optMap(n, [infor.property({'name': 'transload.order_number', 'value': n})]).orValue([])
        + (input.order.?taxes_included.orValue(false) ? [infor.property({'name': 'transload.taxes_included', 'value': 'true'})] : [])
      CEL
    }
  }
}

# The SyncSalesOrder BOD of an order (see the file comment).
mapping "sales_order" {
  input  = erp.OrderInput
  output = "infor.SalesOrderBOD"
  fields = {
    SyncSalesOrder = {
      "@xmlns"     = "'http://schema.infor.com/InforOAGIS/2'"
      "@releaseID" = "'9.2'"
      ApplicationArea = {
        Sender = {
          LogicalID        = "vars.infor_logical_id"
          ComponentID      = "vars.infor_component_id"
          ConfirmationCode = "'OnError'"
        }
        CreationDateTime = "input.order.placed_at"
        BODID            = "infor.bod_id(input.order)"
      }
      DataArea = {
        Sync = {
          TenantID           = "vars.infor_tenant_id != '' ? optional.of(vars.infor_tenant_id) : optional.none()"
          AccountingEntityID = "vars.infor_accounting_entity != '' ? optional.of(vars.infor_accounting_entity) : optional.none()"
          LocationID         = "vars.infor_location_id != '' ? optional.of(vars.infor_location_id) : optional.none()"
          ActionCriteria = {
            ActionExpression = {
              "@actionCode" = "'Replace'"
            }
          }
        }
        SalesOrder = {
          SalesOrderHeader = "infor.sales_order_header(input)"
          SalesOrderLine   = "infor.order_lines(input.order).map(l, infor.sales_order_line({'order': input.order, 'line': l}))"
        }
      }
    }
  }
}
