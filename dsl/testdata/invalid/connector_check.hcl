type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "file" { # ERROR: Invalid file source
    dir     = "in"
    pattern = ""
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
