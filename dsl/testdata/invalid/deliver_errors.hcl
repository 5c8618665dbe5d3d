type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  deliver "erp" {
    sink = sink.er # ERROR: Undefined sink
  }
  deliver "erp2" {
    sink = flow.orders # ERROR: Invalid sink reference
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
