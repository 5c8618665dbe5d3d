import "shopify" {}

# Shopify inventory levels. Subscribe the inventory_levels/update (and
# inventory_levels/connect) webhook topics to /webhooks/shopify_inventory,
# signed with SHOPIFY_WEBHOOK_SECRET (and SHOPIFY_WEBHOOK_SECRET_PREVIOUS
# during a rotation). A REST response dropped in inbox/shopify_inventory is
# read too: {"inventory_level": …} from adjust or set as one level,
# {"inventory_levels": […]} as one document per level.
#
# A level is a fact that changes, not a document with an id: each new
# level of an item at a location is delivered, one message at a time
# (concurrency 1) so that the last level Shopify sent is the last one
# delivered. The key is item, location and updated_at: a webhook Shopify
# retries is a duplicate, and the same level arriving in another envelope
# (a list, after the webhook) goes through again as an update, which is
# harmless for a level. A level that arrives late, after a newer one, is
# still delivered: the target should keep the level with the latest
# updated_at.
flow "shopify_inventory" {
  description = "Shopify inventory levels (inventory_levels/update webhook, adjust, set and list REST responses) into canonical inventory levels."
  priority    = "normal"
  concurrency = 1
  schema      = shopify.InventoryLevel

  source "http" {
    path    = "/webhooks/shopify_inventory"
    verify  = "shopify"
    secrets = [env("SHOPIFY_WEBHOOK_SECRET"), env("SHOPIFY_WEBHOOK_SECRET_PREVIOUS")]
  }

  source "file" {
    dir = "inbox/shopify_inventory"
  }

  split "level" {
    items = "has(input.inventory_levels) ? input.inventory_levels : [input.?inventory_level.orValue(input)]"
    key   = "string(level.?inventory_item_id.orValue(0)) + '@' + string(level.?location_id.orValue(0))"
  }

  dedupe "seen" {
    key       = "'shopify:inventory:' + string(level.inventory_item_id) + ':' + string(level.location_id) + ':' + level.updated_at"
    on_change = "update"
  }

  map "canonical" {
    mapping = shopify.inventory_level
    from    = "level"
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
