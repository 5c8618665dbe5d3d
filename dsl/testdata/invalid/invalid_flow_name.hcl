type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "my flow" { # ERROR: Invalid flow name
  schema = Order
  source "http" {
    path = "/a"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
