type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

mapping "line" {
  input  = Order.LineItem
  output = "Line"
  fields = {
    sku  = "input.sku"
    qtty = "input.quantity" # ERROR: Unknown output field
  }
}

type "Line" {
  schema = "line.schema.json"
}
