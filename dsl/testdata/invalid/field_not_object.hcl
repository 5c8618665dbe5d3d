type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

import "shop" {}

mapping "m" {
  extends = shop.order
  fields = {
    "id.value" = "'x'" # ERROR: Not an object
  }
}
