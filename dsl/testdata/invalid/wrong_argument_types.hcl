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
    fields = {
      total = "money(input.id, 'USD')" # ERROR: Wrong argument types
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
