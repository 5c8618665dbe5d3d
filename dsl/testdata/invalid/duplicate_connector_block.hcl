sink "http" "erp" {
  url = "http://127.0.0.1:9/x"
  auth {
    token = "a"
  }
  auth { # ERROR: Duplicate block
    token = "b"
  }
}
