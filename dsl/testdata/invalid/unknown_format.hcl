type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order
  format = "yaml" # ERROR: Unknown format
  source "http" {
    path = "/a"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
