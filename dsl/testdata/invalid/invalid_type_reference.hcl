type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = 12 # ERROR: Invalid type reference

  source "http" {
    path = "/a"
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
