dialect = "expr"

# The positions (0, 1, 2, …) of the line items and of the discount
# applications of an order. The mappings need them: a line's share of an
# order-level discount is its element of allocate(…), and a discount
# allocation names its discount by position (discount_application_index).
# They are written in expr, whose map() has #index; in CEL the same is
# list.transformList(i, x, i) (a two-variable comprehension).

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
