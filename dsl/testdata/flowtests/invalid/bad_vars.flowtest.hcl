run "unknown variable" { # ERROR: Flows do not load
  flow           = "orders"
  input          = "{}"
  tables         = { items = "nope.csv" }
  expect_outcome = "delivered"
}
