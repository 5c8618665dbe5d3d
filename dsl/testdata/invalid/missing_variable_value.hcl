variable "erp_url" { # ERROR: Missing variable value
  type = string
}

sink "http" "erp" {
  url = var.erp_url
}
