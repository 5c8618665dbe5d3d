# STUB, to be replaced: the netsuite settings of the default flows.

sink "http" "netsuite" {
  url = var.erp_url
}
