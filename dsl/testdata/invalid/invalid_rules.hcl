type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema = Order

  source "http" {
    path = "/webhooks/orders"
  }

  validate "rules" {
    rule "a" {
      condition = "input.id > 0"
      message   = "bad"
      reason    = "bad reason" # ERROR: Invalid reason code
      class     = "urgent" # ERROR: Invalid class
    }
    rule "b" {
      condition = "input.id" # ERROR: Wrong result type
      message   = "bad"
    }
  }

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
