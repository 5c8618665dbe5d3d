sink "stdout" "out" {}

flow "orders" { # ERROR: Missing input schema
  source "http" {
    path = "/a"
  }
  route "out" {
    default {
      to = [sink.out]
    }
  }
}
