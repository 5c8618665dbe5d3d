variable "mode" {
  type    = string
  default = "sometimes"
  validation {
    condition     = contains(["dead_letter", "each"], var.mode) # ERROR: Invalid value for variable
    error_message = "mode must be dead_letter or each."
  }
}

sink "file" "out" {
  dir = var.mode
}
