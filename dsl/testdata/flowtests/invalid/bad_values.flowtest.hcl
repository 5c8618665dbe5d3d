run "bad clock" {
  flow               = "orders"
  input              = "{}"
  clock              = "yesterday" # ERROR: Invalid clock
  expect_outcome     = "delivered"
}

run "bad mock" {
  flow  = "orders"
  input = "{}"
  mock "out" {
    status = 42 # ERROR: Invalid status
    times  = 0 # ERROR: Invalid times
  }
  expect_outcome = "delivered"
}

run "unknown sink" {
  flow  = "orders"
  input = "{}"
  mock "erp" { # ERROR: Mock for an unknown sink
    status = 503
  }
  expect_outcome = "delivered"
}

run "unknown flow" {
  flow           = "order" # ERROR: Undefined route target
  input          = "{}"
  expect_outcome = "delivered"
}

run "nothing expected" { # ERROR: Run without expectations
  flow  = "orders"
  input = "{}"
}

run "bad golden" {
  flow  = "orders"
  input = "{}"
  golden "canonicl" { # ERROR: Unknown step
    file = "x.json"
  }
  golden "canonical" {
    file = "missing.json" # ERROR: Cannot read golden file
  }
}

run "bad assertion" {
  flow  = "orders"
  input = "{}"
  assert {
    condition = "steps.canonical.idd == '1'" # ERROR: Unknown field
  }
  assert {
    condition = "steps.canonical.id" # ERROR: Wrong result type
  }
}

run "missing input file" {
  flow           = "orders"
  input          = file("nope.json") # ERROR: Error in function call
  expect_outcome = "delivered"
}
