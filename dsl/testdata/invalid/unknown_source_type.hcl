type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order
  source "kafka" { # ERROR: Unknown source type
    topic = "x"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
