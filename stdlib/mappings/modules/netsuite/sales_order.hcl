# STUB, to be replaced: the netsuite sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = commerce.Order
  value = "{'erp': 'netsuite', 'order': input.channel + ':' + input.id, 'lines': erp.lines({'order': input, 'line_discounts': true})}"
}
