mapping "line" {
  input = shop.Order.LineItem
  fields = {
    sku = "input.sku"
      quantity= "input.quantity"
    totals = { count = "1", sum="2" }
  }
}
