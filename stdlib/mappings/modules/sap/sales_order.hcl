# STUB, to be replaced: the sap sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = commerce.Order
  value = "{'erp': 'sap', 'order': input.channel + ':' + input.id, 'lines': erp.lines({'order': input, 'line_discounts': true})}"
}
