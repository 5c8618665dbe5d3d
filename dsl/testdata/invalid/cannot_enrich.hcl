type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  enrich "more" { # ERROR: Cannot enrich
    from   = "input.id"
    fields = { x = "1" }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
