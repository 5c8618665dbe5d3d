flow "orders" {
  schema = Order
  description = "x" "y" # ERROR: Missing newline after argument
}
