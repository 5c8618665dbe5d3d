# STUB, to be replaced: the infor settings of the default flows.

sink "http" "infor" {
  url = var.erp_url
}
