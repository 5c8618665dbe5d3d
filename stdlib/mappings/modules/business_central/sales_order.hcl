# STUB, to be replaced: the business_central sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = commerce.Order
  value = "{'erp': 'business_central', 'order': input.channel + ':' + input.id, 'lines': erp.lines({'order': input, 'line_discounts': true})}"
}
