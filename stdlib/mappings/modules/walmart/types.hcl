# Walmart Marketplace payload types, one JSON Schema per API.
#
# Orders serves the JSON and the XML Orders API alike: the XML codec
# decodes <ns3:order> to {"order": {...}} and <ns3:list> to {"list":
# {...}}, the shapes of the JSON getOrder and getAllOrders responses.
# Nested types have exact names: walmart.Order, walmart.OrderLine,
# walmart.Charge, walmart.Amount, walmart.ReturnOrder, ...

type "Orders" {
  schema      = "orders.schema.json"
  description = "A Walmart Orders API response, JSON or XML: getOrder {\"order\"} or a getAllOrders page {\"list\"}."
}

type "Returns" {
  schema      = "returns.schema.json"
  description = "A Walmart Returns API page {\"meta\", \"returnOrders\"}."
}

type "Inventory" {
  schema      = "inventory.schema.json"
  description = "A Walmart item inventory document in XML, {\"inventory\": {sku, quantity, fulfillmentLagTime}}."
}
