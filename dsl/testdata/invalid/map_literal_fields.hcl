type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

type "Line" {
  schema = "line.schema.json"
}

mapping "lines" {
  input  = Order
  output = "list(Line)"  # ERROR: Unknown type
  value  = "[]"
}

mapping "order" {
  input  = Order
  fields = {
    lines = "input.line_items.map(l, {'skux': l.sku})"
  }
}
