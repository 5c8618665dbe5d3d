type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  map "input" { # ERROR: Invalid step name
    fields = { id = "input.id" }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
