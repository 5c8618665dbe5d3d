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
  deliver "erp3" {
    sink     = sink.out
    per_part = false # ERROR: per_part = false needs a key
  }
  deliver "erp4" {
    sink     = sink.out
    key      = "'k'"
    per_part = "no" # ERROR: Invalid value
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
