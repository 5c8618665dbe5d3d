type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path   = "/a"
    verify = "shopfy" # ERROR: Invalid setting
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
