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
    key = "string(inptu.id)" # ERROR: Unknown name
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
