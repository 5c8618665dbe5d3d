type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

type "Line" {
  schema = "line.schema.json"
}

mapping "m" {
  input  = Order.LineItem
  output = Line
  fields = {
    sku = "input.sku"
    qty = "'many'" # ERROR: Wrong result type
  }
}

mapping "n" {
  input  = Order.LineItem
  output = Line
  fields = {
    sku = true # ERROR: Wrong constant type
  }
}
