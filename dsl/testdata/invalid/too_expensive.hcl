type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  map "canonical" {
    fields = {
      pairs = "input.line_items.map(a, input.line_items.map(b, input.line_items.map(c, a.sku + b.sku + c.sku)))" # ERROR: Expression too expensive
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
