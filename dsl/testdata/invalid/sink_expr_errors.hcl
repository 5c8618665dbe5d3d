type "Order" {
  schema = "order.schema.json"
}

sink "http" "erp" {
  url = "http://127.0.0.1:9/orders"
  headers = {
    "X-Order" = "string(input.idd)" # ERROR: Unknown field
  }
}

flow "orders" {
  schema = Order
  source "http" {
    path = "/a"
  }
  route "out" {
    default {
      to = [sink.erp]
    }
  }
}
