# STUB, to be replaced: the sap settings of the default flows.

sink "http" "sap" {
  url = var.erp_url
}
