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
    key = "string(input.id" # ERROR: Expression syntax error
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
