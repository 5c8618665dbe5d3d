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
    key = 12 # ERROR: Expression must be a string
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
