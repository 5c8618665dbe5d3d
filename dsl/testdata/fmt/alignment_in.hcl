flow "orders" {
  schema = shop.Order
  priority="critical"
  description =    "Orders."
    source "http" {
  path="/webhooks/orders"
      verify = "shopify"
  }
  dedupe "seen" {
    key = "'shop:' + string(input.id)"
    ttl= "30d"
  }
}
