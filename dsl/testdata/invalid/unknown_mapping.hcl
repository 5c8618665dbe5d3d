type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

import "shop" {}

mapping "m" {
  extends = shop.ordr # ERROR: Unknown mapping
  fields  = { id = "'x'" }
}
