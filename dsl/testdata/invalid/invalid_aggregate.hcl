type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  aggregate "batch" {
    key       = "'all'"
    max_items = 0 # ERROR: Invalid max_items
    max_wait  = "5s"
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
