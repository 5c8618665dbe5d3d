type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  dedupe "seen" {
    key = "  " # ERROR: Empty expression
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
