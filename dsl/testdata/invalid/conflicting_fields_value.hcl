mapping "m" {
  input  = any
  fields = { a = "1" }
  value  = "2" # ERROR: Conflicting settings
}
