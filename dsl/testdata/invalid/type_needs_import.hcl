sink "stdout" "out" {}

flow "orders" {
  schema = shop.Order # ERROR: Unknown type

  source "http" {
    path = "/a"
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
