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
      total = "input.id + 'x'" # ERROR: Wrong argument types
      odd   = "input.line_items[0] == 1" # ERROR: Wrong argument types
      cond  = "input.id ? 1 : 2" # ERROR: Type error
      rng   = "input.id.map(x, x)" # ERROR: Type error
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
