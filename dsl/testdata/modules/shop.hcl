# A small mapping module for the compiler's tests.

type "Order" {
  schema = "order.schema.json"
}

mapping "line" {
  input = Order.LineItem
  fields = {
    sku      = "input.sku"
    quantity = "input.quantity"
  }
}

mapping "order" {
  input = Order
  fields = {
    id    = "string(input.id)"
    email = "input.?email.orValue('')"
    total = "money(input.total_price, input.currency)"
    lines = "input.line_items.map(l, shop.line(l))"
  }
}
