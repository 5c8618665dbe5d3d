sink "stdout" "out" {}

flow "orders" {
  schema = any # WARNING: Input without a schema
  source "http" {
    path = "/a"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
