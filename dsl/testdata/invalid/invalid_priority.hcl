type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema   = Order
  priority = "urgent" # ERROR: Invalid priority
  source "http" {
    path = "/a"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
