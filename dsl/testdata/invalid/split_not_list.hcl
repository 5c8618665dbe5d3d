type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  split "line" {
    items = "input.id" # ERROR: Split needs a list
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
