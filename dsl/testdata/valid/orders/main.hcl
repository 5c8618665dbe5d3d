# A flow that uses every block and step of the language.

variable "currency" {
  type        = string
  default     = "USD"
  description = "The currency orders are booked in."
  validation {
    condition     = strlen(var.currency) == 3
    error_message = "currency must be an ISO 4217 code."
  }
}

# Read only through an index (vars.channels[?…]): still a use.
variable "channels" {
  type    = map(string)
  default = { web = "shopify" }
}

variable "erp_url" {
  type    = string
  default = "http://127.0.0.1:9/orders"
}

locals {
  outbox = "outbox"
  tag    = upper("web")
}

table "items" {
  file = "items.csv"
  key  = "sku"
}

type "Order" {
  schema = "order.schema.json"
}

import "shop" {}

sink "file" "outbox" {
  dir = local.outbox
}

sink "http" "erp" {
  url = var.erp_url
  headers = {
    "X-Order-Id" = "canonical.id"
  }
}

sink "stdout" "log" {}

mapping "shop_order" {
  extends = shop.order
  fields = {
    email = "input.?email.orValue('unknown@example.com')"
  }
}

flow "orders" {
  description = "Orders from the web shop."
  priority    = "critical"
  schema      = shop.Order

  source "http" {
    path    = "/webhooks/orders"
    verify  = "shopify"
    secrets = [env("TEST_SECRET")]
  }

  source "file" {
    dir = "in/orders"
  }

  dedupe "seen" {
    key       = "'shop:' + string(input.id)"
    ttl       = "30d"
    on_change = "update"
  }

  map "canonical" {
    mapping = shop_order
  }

  enrich "priced" {
    fields = {
      total = "money(input.total_price, vars.currency)"
    }
  }

  validate "rules" {
    rule "has_lines" {
      condition = "size(priced.lines) > 0"
      message   = "The order has no lines."
      detail    = "'order ' + priced.id + ' from ' + vars.channels[?'web'].orValue('b2b')"
      reason    = "NULL_REQUIRED_FIELD"
    }
    rule "known_skus" {
      condition = "input.line_items.all(l, l.quantity > 0)"
      message   = "An item is not in the item master."
      reason    = "UNKNOWN_SKU"
      class     = "business"
    }
  }

  call "credit" {
    sink = sink.erp
    body = "{'customer': priced.email, 'tag': locals.tag}"
  }

  deliver "archive" {
    sink = sink.outbox
    key  = "seen.key + ':archive'"
  }

  route "by_size" {
    case "big" {
      when = "size(priced.lines) > 10"
      to   = [sink.erp, flow.big_orders]
    }
    default {
      to = [sink.erp]
    }
  }
}

flow "big_orders" {
  schema = "mappings.shop.order"

  source "file" {
    dir = "in/big"
  }

  split "line" {
    items = "input.lines"
    key   = "input.id + ':' + line.sku"
  }

  aggregate "batch" {
    key       = "line.sku"
    max_items = 100
    max_wait  = "30s"
  }

  route "out" {
    default {
      to = [sink.log]
    }
  }
}
