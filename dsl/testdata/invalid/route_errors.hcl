type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "other" {
  schema = Order
  source "http" {
    path = "/other"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "orders" {
  schema = Order
  source "http" {
    path = "/a"
  }
  route "out" {
    mode = "some" # ERROR: Invalid route mode
    case "big" {
      when = "input.id > 10"
      to   = [sink.ou] # ERROR: Undefined route target
    }
    case "other" {
      when = "input.id > 5"
      to   = [flow.othr] # ERROR: Undefined route target
    }
    case "self" {
      when = "input.id > 4"
      to   = [flow.orders] # ERROR: Route cycle
    }
    case "weird" {
      when = "input.id > 3"
      to   = [var.x] # ERROR: Invalid route target
    }
    case "empty" {
      when = "input.id > 2"
      to   = [] # ERROR: No route targets
    }
    default {
      to = [flow.other]
    }
    default { # ERROR: Duplicate default
      to = [sink.out]
    }
  }
}
