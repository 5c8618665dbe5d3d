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
      skus = <<-CEL
        input.line_items.map(l,
          l.skuu)
      CEL
      # ERROR@18: Unknown field
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
