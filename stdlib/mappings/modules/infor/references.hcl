# Reading back what infor.sales_order wrote, in the BODs an Infor ERP
# publishes (shipments, invoices): the channel, the channel's order id and
# its line ids.
#
# Where they are, in the order they are tried:
#   1. UserArea properties transload.channel, transload.order_id,
#      transload.line_id, transload.sku, when the ERP carries the sales
#      order's UserArea over to the document (an ION mapping or the ERP's
#      own extension does that);
#   2. a reference whose document id is the sales order's DocumentID
#      "<channel>:<order id>" (SalesOrderReference, when the ERP keeps the
#      originating id as the order's reference; the header's first, then
#      the lines'), and, for a line, CustomerPurchaseOrderReference/
#      LineNumber, the buyer's PO line reference infor.sales_order set to
#      the channel's line id and that ERPs print on delivery notes and
#      invoices.
# A document that names no channel order cannot go back to a channel:
# infor.shipment and infor.invoice fail with NULL_REQUIRED_FIELD, and
# infor.shipment_order_key / infor.invoice_order_key return "" so a flow
# can route such documents elsewhere first.

# The value of a UserArea property: {'props': UserArea.Property, 'name'},
# "" when absent.
mapping "property_value" {
  input = any
  value = <<-CEL
    cel.bind(m, input.props.filter(p, p[?'NameValue'].orValue({})[?'@name'].orValue('') == input.name),
      size(m) == 0 ? '' : string(m[0].NameValue[?'#text'].orValue('')))
  CEL
}

# The channel of an order key "<channel>:<order id>", "" when the key is
# not one (its first part is not a channel of the canonical model).
mapping "key_channel" {
  input = string
  value = <<-CEL
    cel.bind(c, split(input, ':')[0],
      size(split(input, ':')) > 1 && c in ['shopify', 'amazon', 'amazon_vendor', 'walmart', 'adobe_commerce', 'bigcommerce', 'edi_x12', 'b2b'] ? c : '')
  CEL
}

# The order key "<channel>:<order id>" of a document: {'props': its
# UserArea properties, 'ids': the document ids of its sales order
# references}; "" when none.
mapping "order_key" {
  input = any
  value = <<-CEL
    cel.bind(ch, infor.property_value({'props': input.props, 'name': 'transload.channel'}),
    cel.bind(id, infor.property_value({'props': input.props, 'name': 'transload.order_id'}),
    cel.bind(keys, input.ids.filter(k, infor.key_channel(string(k)) != ''),
      ch != '' && id != '' ? ch + ':' + id : size(keys) > 0 ? string(keys[0]) : '')))
  CEL
}

# The channel of an order key (required).
mapping "channel_of" {
  input = string
  value = "require(infor.key_channel(input), infor.key_channel(input) != '', 'NULL_REQUIRED_FIELD', 'no channel order: neither UserArea transload.channel/transload.order_id nor a sales order reference \"<channel>:<order id>\"')"
}

# The order id of an order key (required).
mapping "order_id_of" {
  input = string
  value = "substr(input, size(infor.channel_of(input)) + 1, size(input) - size(infor.channel_of(input)) - 1)"
}

# A canonical address from an OAGIS party, when it has a country.
mapping "address_of" {
  input  = any
  output = "commerce.Address"
  fields = {
    name        = "input.?Contact.?Name"
    company     = "input.?Name"
    line1       = "input.?Location.?Address.?AddressLine[0]"
    line2       = "input.?Location.?Address.?AddressLine[1]"
    line3       = "input.?Location.?Address.?AddressLine[2]"
    city        = "input.?Location.?Address.?CityName"
    region      = "input.?Location.?Address.?CountrySubDivisionCode"
    postal_code = "input.?Location.?Address.?PostalCode"
    country     = "country_code(string(input.Location.Address.CountryCode))"
  }
}

# The unit price of an OAGIS UnitPrice: Amount per PerQuantity units,
# exact in the currency (INVALID_MONEY otherwise, never rounded). One
# mapping per BOD type, as each BOD has its own UnitPrice type.
mapping "invoice_unit_price" {
  input = InvoiceBOD.UnitPrice
  value = <<-CEL
    !has(input.PerQuantity) || input.PerQuantity.value == decimal('1') ? input.Amount
      : money(format_decimal(input.Amount.amount / input.PerQuantity.value), input.Amount.currency)
  CEL
}

mapping "price_list_unit_price" {
  input = PriceListBOD.UnitPrice
  value = <<-CEL
    !has(input.PerQuantity) || input.PerQuantity.value == decimal('1') ? input.Amount
      : money(format_decimal(input.Amount.amount / input.PerQuantity.value), input.Amount.currency)
  CEL
}
