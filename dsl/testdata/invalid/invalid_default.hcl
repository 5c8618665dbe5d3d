variable "n" { # ERROR: Unused variable
  type    = number
  default = "twelve" # ERROR: Invalid default value
}
