# STUB, to be replaced: the d365 settings of the default flows.

sink "http" "d365" {
  url = var.erp_url
}
