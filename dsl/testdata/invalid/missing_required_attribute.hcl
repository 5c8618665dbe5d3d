type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  dedupe "seen" { # ERROR: Missing required argument
    ttl = "1h"
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
