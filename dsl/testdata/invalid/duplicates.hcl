type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

sink "stdout" "out" {} # ERROR: Duplicate sink

variable "a" {
  default = "x"
}

variable "a" { # ERROR: Duplicate variable
  default = "y"
}

table "t" {
  file = "items.csv"
  key  = "sku"
}

table "t" { # ERROR: Duplicate table
  file = "items.csv"
  key  = "sku"
}

locals {
  l = var.a
}

locals {
  l = 2 # ERROR: Duplicate local
}

type "Order" { # ERROR: Duplicate type
  schema = "order.schema.json"
}

mapping "m" {
  input = any
  value = "1"
}

mapping "m" { # ERROR: Duplicate mapping
  input = any
  value = "2"
}

flow "f" {
  schema = Order
  source "http" {
    path = "/f"
  }
  dedupe "s" {
    key = "string(input.id)"
  }
  dedupe "s" { # ERROR: Duplicate step
    key = "string(input.id)"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "f" { # ERROR: Duplicate flow
  schema = Order
}
