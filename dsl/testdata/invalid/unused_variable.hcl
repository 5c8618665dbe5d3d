variable "unused" { # ERROR: Unused variable
  type    = string
  default = "x"
}
