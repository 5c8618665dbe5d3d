type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  map "canonical" {
    from   = "input" # ERROR: Unused setting
    fields = { id = "input.id" }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
