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
    key = "string(input.idd)" # ERROR: Unknown field
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
