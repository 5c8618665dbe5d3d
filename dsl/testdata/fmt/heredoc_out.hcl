flow "x" {
  map "m" {
    fields = {
      lines = <<-CEL
              input.line_items.map(l,
                  l.sku)
            CEL
    }
  }
}
