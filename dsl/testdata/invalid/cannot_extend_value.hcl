mapping "base" {
  input = any
  value = "1"
}

mapping "m" { # ERROR: Cannot extend
  extends = base
  fields  = { a = "2" }
}
