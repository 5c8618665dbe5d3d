# An item feed from a supplier (CSV: sku, gtin, description) whose GTINs
# come as UPC-A, EAN-13 or GTIN-14: each row is stored with the 14-digit
# form the item master matches on. gtin14() is not a builtin of
# transload: it comes from the acme.gs1 library this binary adds
# (../gs1). The stock transload refuses this file with "Unknown name".

sink "file" "items" {
  dir = "items"
}

flow "supplier_items" {
  description = "Supplier item rows with their GTIN in its 14-digit form."
  schema      = "item.schema.json"
  format      = "csv"

  source "file" {
    dir = "inbox/items"
  }

  dedupe "seen" {
    key       = "input.sku"
    on_change = "update"
  }

  map "item" {
    fields = {
      sku         = "input.sku"
      gtin        = "gtin14(input.gtin)"
      description = "input.?description.orValue('')"
    }
  }

  route "store" {
    default {
      to = [sink.items]
    }
  }
}
