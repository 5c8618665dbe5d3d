mapping "m" {
  input  = any
  fields = "x" # ERROR: Invalid fields
}
