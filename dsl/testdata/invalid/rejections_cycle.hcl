type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

# A rejections_to is an edge of the flow graph: a rejections flow that
# routes back to the flow it gets rejections from closes a cycle.
flow "orders" { # ERROR: Cycle between flows
  schema        = Order
  rejections_to = flow.rejections
  source "http" {
    path = "/orders"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "rejections" {
  schema = Order
  route "r" {
    default {
      to = [flow.orders]
    }
  }
}
