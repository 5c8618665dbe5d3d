sink "stdout" "out" {}

flow "orders" {
  schema = "order.schema.json"

  source "http" {
    path = "/orders"
  }

  map "canonical" {
    fields = {
      id = "string(input.id)"
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}

table "items" {
  file = "items.csv"
  key  = "sku"
}
