# Business Central items and customers into the canonical model, for
# enrichment tables and the inventory that goes back to the channels.

# An item as a product with one variant: the item number is the SKU (the
# item column of tables/erp_items.csv maps SKUs to other item numbers),
# unitPrice the price of one base unit in vars.bc_local_currency, inventory
# the quantity on hand. A blocked item is status "blocked".
mapping "item" {
  input  = Item
  output = "commerce.Product"
  fields = {
    id       = "input.number"
    title    = "input.?displayName.orValue('') != '' ? input.displayName : input.number"
    status   = "input.?blocked.orValue(false) ? 'blocked' : 'active'"
    variants = <<-CEL
      [{
        'id': input.number,
        'sku': input.number,
        ?'title': input.?displayName,
        ?'price': input.?unitPrice.optMap(p, money(p, vars.bc_local_currency)),
        ?'gtin': input.?gtin.orValue('') != '' ? input.?gtin : optional.none(),
        ?'inventory_item_id': input.?id,
        ?'inventory_quantity': input.?inventory.optMap(q, qty(q, business_central.rec20_unit(input.baseUnitOfMeasureCode)))
      }]
    CEL
  }
}

# An item's inventory: the quantity on hand in its base unit, across all
# locations (the API's item has no per-location or reserved quantity: a
# negative inventory is reported as 0 available). channel is "erp".
mapping "inventory" {
  input  = Item
  output = "commerce.InventoryLevel"
  fields = {
    sku        = "input.number"
    item_id    = "input.?id"
    available  = <<-CEL
      qty(input.inventory > decimal('0') ? input.inventory : decimal('0'), business_central.rec20_unit(input.baseUnitOfMeasureCode))
    CEL
    updated_at = "input.?lastModifiedDateTime.optMap(t, parse_time(t))"
    channel    = "'erp'"
  }
}

# A customer: the customer number is the id; a company's name is also its
# company. The Business Central id and group facts go in references.
mapping "customer" {
  input  = Customer
  output = "commerce.Customer"
  fields = {
    id         = "input.number"
    name       = "input.?displayName"
    company    = "input.?type.orValue('') == 'Company' ? input.?displayName : optional.none()"
    email      = "input.?email.orValue('') != '' ? input.?email : optional.none()"
    phone      = "input.?phoneNumber.orValue('') != '' ? input.?phoneNumber : optional.none()"
    tax_id     = "input.?taxRegistrationNumber.orValue('') != '' ? input.?taxRegistrationNumber : optional.none()"
    references = <<-CEL
      {
        'erp': 'business_central',
        ?'erp_id': input.?id,
        ?'currency': input.?currencyCode.orValue('') != '' ? input.?currencyCode : optional.none(),
        ?'blocked': input.?blocked.orValue(' ') != ' ' ? input.?blocked : optional.none()
      }
    CEL
  }
}

# The levels of one record, as a list: what the erp_inventory flow splits
# (an Infor or NetSuite document holds several).
mapping "inventory_levels" {
  input = Item
  value = "[business_central.inventory(input)]"
}
