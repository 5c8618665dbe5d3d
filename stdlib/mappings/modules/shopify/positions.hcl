dialect = "expr"

# The positions (0, 1, 2, …) of the line items and of the discount
# applications of an order. CEL's map() gives no index (cel-go's
# two-variable comprehensions are not enabled in Transload), and the
# mappings need one: a line's share of an order-level discount is its
# element of allocate(…), and a discount allocation names its discount by
# position (discount_application_index). expr's map() has #index, so
# these two are written in expr for that reason alone.

mapping "line_positions" {
  input = Order
  value = "map(input.line_items ?? [], #index)"
}

mapping "discount_positions" {
  input = Order
  value = "map(input.discount_applications ?? [], #index)"
}

mapping "discount_code_positions" {
  input = Order
  value = "map(input.discount_codes ?? [], #index)"
}

mapping "tracking_positions" {
  input = Fulfillment
  value = "map(input.tracking_numbers ?? [], #index)"
}
