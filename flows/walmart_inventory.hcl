import "walmart" {}

# Walmart Marketplace item inventory in XML (<wm:inventory>: sku, quantity
# {unit, amount}, fulfillmentLagTime), as the inventory API returns it for
# one SKU, into a canonical inventory level. Post it to
# /webhooks/walmart_inventory (with the header X-API-Key holding
# WALMART_WEBHOOK_KEY) or drop it in inbox/walmart_inventory.
#
# The same level again is a duplicate; a changed one goes through as an
# update of the SKU's level.
flow "walmart_inventory" {
  description = "Walmart Marketplace item inventory (XML) into canonical inventory levels."
  priority    = "normal"
  schema      = walmart.Inventory
  format      = "xml"

  source "http" {
    path    = "/webhooks/walmart_inventory"
    verify  = "api_key"
    secrets = [env("WALMART_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/walmart_inventory"
  }

  dedupe "seen" {
    key       = "'walmart:inventory:' + input.inventory.sku"
    on_change = "update"
  }

  map "canonical" {
    mapping = walmart.inventory
  }

  route "deliver" {
    case "canonical" {
      when = "vars.canonical_url != ''"
      to   = [sink.canonical]
    }
    default {
      to = [sink.outbox]
    }
  }
}
