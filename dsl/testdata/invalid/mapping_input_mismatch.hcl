type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

import "shop" {}

flow "orders" {
  schema = Order
  source "http" {
    path = "/a"
  }
  map "canonical" {
    mapping = shop.line # ERROR: Mapping input mismatch
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
