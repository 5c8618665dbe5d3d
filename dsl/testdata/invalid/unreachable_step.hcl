type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }

  map "after" { # ERROR: Unreachable step
    fields = { id = "input.id" }
  }
}
