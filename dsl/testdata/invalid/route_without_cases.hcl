type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order
  source "http" {
    path = "/a"
  }
  route "out" {} # ERROR: Route without cases
}
