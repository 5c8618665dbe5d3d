sink "http" "erp" {
  url         = "http://127.0.0.1:9/orders"
  concurrency = 0 # ERROR: Invalid setting
  rate_limit  = "fast" # ERROR: Invalid setting
  retry {
    backoff = "soon" # ERROR: Invalid duration
  }
  breaker {
    failures  = 3
    cool_down = "1m"
  }
}
