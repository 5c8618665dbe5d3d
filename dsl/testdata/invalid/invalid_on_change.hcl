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
    key       = "string(input.id)"
    on_change = "ignore" # ERROR: Invalid on_change
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
