variable "kind" {
  type    = string
  default = "a"
}

sink "stdout" "out" {}

flow "docs" { # WARNING: Flow without a source
  schema = var.kind ? any : any # ERROR: Invalid condition

  route "out" {
    default {
      to = [sink.out]
    }
  }
}
