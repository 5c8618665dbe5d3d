# STUB, to be replaced: the oracle settings of the default flows.

sink "http" "oracle" {
  url = var.erp_url
}
