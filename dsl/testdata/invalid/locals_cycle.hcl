locals {
  a = local.b # ERROR: Cycle in locals
  b = local.a
}
