type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Ordr # ERROR: Unknown type

  source "http" {
    path = "/a"
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
