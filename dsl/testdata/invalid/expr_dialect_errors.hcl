dialect = "expr"

type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order
  source "http" {
    path = "/a"
  }
  dedupe "seen" {
    key = "string(input.idd)" # ERROR: Unknown field
  }
  map "m" {
    fields = {
      a = "input.id +" # ERROR: Expression syntax error
      b = "nosuch(1)" # ERROR: Unknown name
    }
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
