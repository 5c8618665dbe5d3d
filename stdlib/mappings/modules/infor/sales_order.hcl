# STUB, to be replaced: the infor sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = commerce.Order
  value = "{'erp': 'infor', 'order': input.channel + ':' + input.id, 'lines': erp.lines({'order': input, 'line_discounts': true})}"
}
