import "amazon" {}

flow "amazon_inventory" {
  description = <<-EOT
    Amazon FBA inventory (FBA Inventory API getInventorySummaries responses,
    requested with details=true, one page per post) into canonical
    inventory levels, one document per SKU: available is the fulfillable
    quantity, reserved the total reserved quantity, and the location is
    the marketplace whose FBA network holds the units (granularityId). A
    level is a snapshot: each post is delivered, never deduplicated by
    SKU. The integrator polls the API and posts each page here with the key
    in AMAZON_WEBHOOK_KEY as the X-API-Key header.
  EOT
  schema      = amazon.InventorySummaries

  # The integrator's poster calls this webhook: a shared key (X-API-Key).
  source "http" {
    path    = "/webhooks/amazon_inventory"
    verify  = "api_key"
    secrets = [env("AMAZON_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/amazon_inventory"
  }

  split "summary" {
    items = "input.payload.inventorySummaries"
    key   = "input.payload.granularity.granularityId + ':' + summary.sellerSku"
  }

  map "mapped" {
    mapping = amazon.inventory_level
    from    = "summary"
  }

  enrich "canonical" {
    fields = {
      location_id = "input.payload.granularity.granularityId"
    }
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
