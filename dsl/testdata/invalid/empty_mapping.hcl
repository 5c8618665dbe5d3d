mapping "m" { # ERROR: Empty mapping
  input = any
}
