mapping "m" {
  extends = 12 # ERROR: Invalid extends
  value   = "1"
}
