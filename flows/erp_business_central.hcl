# STUB, to be replaced: the business_central settings of the default flows.

sink "http" "business_central" {
  url = var.erp_url
}
