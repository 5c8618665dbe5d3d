type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

type "Line" {
  schema = "line.schema.json"
}

flow "lines" {
  schema = Line
  source "http" {
    path = "/lines"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "orders" {
  schema = Order
  source "http" {
    path = "/a"
  }
  route "out" {
    body = "input.id"
    default {
      to = [flow.lines] # ERROR: Route target type mismatch
    }
  }
}
