type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

type "Line" {
  schema = "line.schema.json"
}

mapping "line" {
  input  = Order.LineItem
  output = Line
  fields = { # ERROR: Missing output field
    qty = "input.quantity"
  }
}
