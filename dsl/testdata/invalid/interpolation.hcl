type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

variable "x" { # ERROR: Unused variable
  type    = string
  default = "a"
}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  dedupe "seen" {
    key = "'o:' + ${var.x}" # ERROR: Interpolation in an expression
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
