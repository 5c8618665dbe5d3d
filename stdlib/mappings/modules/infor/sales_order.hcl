# STUB, to be replaced: the infor sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = erp.OrderInput
  value = "{'erp': 'infor', 'order': input.order.channel + ':' + input.order.id, 'lines': erp.lines({'order': input.order, 'line_discounts': true})}"
}
