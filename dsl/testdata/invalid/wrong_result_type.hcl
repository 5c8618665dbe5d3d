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
    key = "input.id" # ERROR: Wrong result type
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
