variable "mode" {
  type    = string
  default = "x"
  validation {
    condition     = var.mode # ERROR: Invalid validation condition
    error_message = "bad"
  }
}

sink "file" "out" {
  dir = var.mode
}
