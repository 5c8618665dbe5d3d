type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  validate "rules" {} # ERROR: Validate without rules

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
