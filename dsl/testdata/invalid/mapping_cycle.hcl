mapping "a" {
  extends = b # ERROR: Cycle in mappings
  fields  = { x = "1" }
}

mapping "b" {
  extends = a
  fields  = { y = "2" }
}
