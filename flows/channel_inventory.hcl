import "walmart" {}
import "amazon" {}
import "shopify" {}

# Inventory levels (from the ERP's inventory flow, or posted here) out to
# the channels that sell from that stock, each enabled by its variable:
#   shopify  inventorySetQuantities (shopify.inventory_set), for a SKU in
#            tables/shopify_inventory_items.csv at an ERP location in
#            tables/shopify_locations.csv: the Shopify inventory item and
#            location come from there, and a level of a SKU or a location
#            Shopify does not stock is not sent there;
#   walmart  PUT /v3/inventory?sku= (walmart.inventory_update), for the
#            levels of walmart_inventory_location (empty: every level, which
#            must then be the sellable total of the SKU: Walmart keeps one
#            quantity per SKU);
#   amazon   patchListingsItem (amazon.inventory_update), the seller's own
#            stock (fulfillment channel DEFAULT) of the listing in
#            amazon_marketplace_id, for the levels of
#            amazon_inventory_location (empty: every level, as for Walmart).
# A level never goes back to the channel it came from (an FBA level to
# Amazon). A level without a SKU goes nowhere: the channels list stock by
# SKU. Quantities are whole units: a level in packs is converted to its
# base unit with the item master.
#
# Every channel is enabled by default, and a channel whose URL variable is
# empty gets its request in the outbox: out of the box, the sample level
# shows the three requests there. Disable the channels you do not sell on
# (shopify_inventory_sync = false, …).
#
# A level is a fact that changes, not a document: each new level of a SKU
# at a location is delivered (on_change update), one message at a time
# (concurrency 1), so the last level the ERP sent is the last one each
# channel gets.
flow "channel_inventory" {
  description = "Inventory levels out to Shopify (inventorySetQuantities), Walmart (inventory update) and Amazon (listings fulfillment_availability)."
  priority    = "normal"
  concurrency = 1
  schema      = commerce.InventoryLevel

  source "http" {
    path    = "/webhooks/channel_inventory"
    verify  = "api_key"
    secrets = [env("CHANNEL_INVENTORY_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/channel_inventory"
  }

  dedupe "level" {
    key       = "'inventory:' + input.?sku.or(input.?item_id).orValue('') + '@' + input.?location_id.orValue('')"
    on_change = "update"
  }

  enrich "canonical" {
    fields = {
      available = "input.available.uom == 'EA' || !has(input.sku) ? input.available : to_base(input.available, lookup(tables.items, input.sku, 'UNKNOWN_SKU').units_per, lookup(tables.items, input.sku, 'UNKNOWN_SKU').base_uom)"
    }
  }

  split "target" {
    items = <<-CEL
      !has(canonical.sku) ? [] :
        (vars.shopify_inventory_sync && canonical.?channel.orValue('') != 'shopify'
          && in_table(tables.shopify_inventory_items, canonical.sku) && in_table(tables.shopify_locations, canonical.?location_id.orValue('')) ? ['shopify'] : [])
        + (vars.walmart_inventory_sync && canonical.?channel.orValue('') != 'walmart'
          && (vars.walmart_inventory_location == '' || canonical.?location_id.orValue('') == vars.walmart_inventory_location) ? ['walmart'] : [])
        + (vars.amazon_inventory_sync && canonical.?channel.orValue('') != 'amazon'
          && (vars.amazon_inventory_location == '' || canonical.?location_id.orValue('') == vars.amazon_inventory_location) ? ['amazon'] : [])
    CEL
    key   = "target"
  }

  # The request for the channel's API: whether its URL is set, the path
  # after it, and the body. Shopify's idempotency key is the same for every
  # retry of this change (message, item, location, quantity) and differs
  # for the next one.
  map "request" {
    value = <<-CEL
      target == 'shopify'
        ? cel.bind(item, lookup(tables.shopify_inventory_items, canonical.sku).inventory_item_id,
          cel.bind(location, lookup(tables.shopify_locations, canonical.location_id).shopify_location_id,
            dyn({
              'online': vars.shopify_admin_url != '',
              'path': '',
              'body': shopify.inventory_set({
                'level': canonical,
                'inventory_item_id': item,
                'location_id': location,
                'idempotency_key': 'transload-' + substr(sha256_hex(meta.message_id + '|' + item + '|' + location + '|' + format_decimal(canonical.available.value)), 0, 32)
              })
            })))
      : target == 'walmart'
        ? dyn({
            'online': vars.walmart_url != '',
            'path': '/v3/inventory?sku=' + walmart.query_escape(canonical.sku),
            'body': walmart.inventory_update(canonical)
          })
      : dyn({
          'online': vars.amazon_url != '',
          'path': '/listings/2021-08-01/items/' + amazon.path_escape(vars.amazon_seller_id) + '/' + amazon.path_escape(canonical.sku) + '?marketplaceIds=' + url_escape(vars.amazon_marketplace_id),
          'body': amazon.inventory_update({'level': canonical, 'product_type': vars.amazon_product_type})
        })
    CEL
  }

  validate "settings" {
    rule "amazon_seller" {
      condition = "target != 'amazon' || !request.online || vars.amazon_seller_id != ''"
      message   = "amazon_url is set but amazon_seller_id is empty: the listings API needs the seller id. Set it and replay."
      reason    = "INVALID_SETTING"
      class     = "technical"
    }
  }

  route "deliver" {
    body = "request.body"
    case "shopify" {
      when = "target == 'shopify' && request.online"
      to   = [sink.shopify_inventory]
    }
    case "walmart" {
      when = "target == 'walmart' && request.online"
      to   = [sink.walmart_inventory]
    }
    case "amazon" {
      when = "target == 'amazon' && request.online"
      to   = [sink.amazon_listings]
    }
    default {
      to = [sink.outbox]
    }
  }
}

variable "shopify_inventory_sync" {
  type        = bool
  default     = true
  description = "Send inventory levels to Shopify (the SKUs of tables/shopify_inventory_items.csv at the locations of tables/shopify_locations.csv); to the outbox while shopify_admin_url is empty."
}

variable "walmart_inventory_sync" {
  type        = bool
  default     = true
  description = "Send inventory levels to Walmart; to the outbox while walmart_url is empty."
}

variable "amazon_inventory_sync" {
  type        = bool
  default     = true
  description = "Send inventory levels to Amazon (the seller's own stock of the listings); to the outbox while amazon_url is empty."
}

variable "walmart_inventory_location" {
  type        = string
  default     = ""
  description = "The ERP location whose levels Walmart gets; empty: every level, each then the sellable total of its SKU."
}

variable "amazon_inventory_location" {
  type        = string
  default     = ""
  description = "The ERP location whose levels Amazon gets; empty: every level, each then the sellable total of its SKU."
}

variable "amazon_seller_id" {
  type        = string
  default     = ""
  description = "The selling partner id of the Amazon seller account (the sellerId of the listings API); required once amazon_url is set."
}

variable "amazon_product_type" {
  type        = string
  default     = "PRODUCT"
  description = "The productType of the listings patch. PRODUCT is Amazon's product type for offer-only data, which a quantity patch is; a listing that needs its own type for patches can be given it here."
}
