type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

pipeline "x" {} # ERROR: Unsupported block type
