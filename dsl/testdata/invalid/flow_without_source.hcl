type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" { # WARNING: Flow without a source
  schema = Order
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
