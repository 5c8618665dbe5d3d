dialect = "expr"

type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/orders"
  }

  dedupe "seen" {
    key = "'o:' + string(input.id)"
  }

  map "canonical" {
    fields = {
      id    = "string(input.id)"
      skus  = "map(input.line_items, upper(.sku))"
      count = "len(input.line_items)"
    }
  }

  route "out" {
    case "many" {
      when = "canonical.count > 3"
      to   = [sink.out]
    }
    default {
      to = [sink.out]
    }
  }
}
