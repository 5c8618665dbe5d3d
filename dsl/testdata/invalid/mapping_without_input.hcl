mapping "m" { # ERROR: Missing mapping input
  value = "1"
}
