# STUB, to be replaced: the netsuite sales order built from a canonical order.
import "erp" {}

mapping "sales_order" {
  input = erp.OrderInput
  value = "{'erp': 'netsuite', 'order': input.order.channel + ':' + input.order.id, 'lines': erp.lines({'order': input.order, 'line_discounts': true})}"
}
