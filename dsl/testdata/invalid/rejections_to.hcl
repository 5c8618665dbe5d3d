type "Order" {
  schema = "order.schema.json"
}

sink "stdout" "out" {}

flow "orders" {
  schema        = Order
  rejections_to = flow.rejections
  source "http" {
    path = "/orders"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "rejections" {
  schema = Order
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "csv_rejections" { # WARNING: Flow without a source
  schema = Order
  format = "csv"
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "a" {
  schema        = Order
  rejections_to = flow.rejection # ERROR: Undefined rejections target
  source "http" {
    path = "/a"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "b" {
  schema        = Order
  rejections_to = flow.b # ERROR: Rejections cycle
  source "http" {
    path = "/b"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "c" {
  schema        = Order
  rejections_to = flow.csv_rejections # ERROR: Rejections target format mismatch
  source "http" {
    path = "/c"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}

flow "d" {
  schema        = Order
  rejections_to = sink.out # ERROR: Invalid rejections target
  source "http" {
    path = "/d"
  }
  route "r" {
    default {
      to = [sink.out]
    }
  }
}
