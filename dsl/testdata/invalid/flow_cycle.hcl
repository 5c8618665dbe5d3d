type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "a" { # ERROR: Cycle between flows
  schema = Order
  source "http" {
    path = "/a"
  }
  route "r" {
    default {
      to = [flow.b]
    }
  }
}

flow "b" {
  schema = Order
  source "http" {
    path = "/b"
  }
  route "r" {
    default {
      to = [flow.a]
    }
  }
}
