# STUB, to be replaced: the d365 sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = commerce.Order
  value = "{'erp': 'd365', 'order': input.channel + ':' + input.id, 'lines': erp.lines({'order': input, 'line_discounts': true})}"
}
