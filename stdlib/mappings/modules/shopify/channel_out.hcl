# Back to Shopify: fulfilments with tracking, and inventory levels, through
# the GraphQL Admin API, version 2026-10 (the flows' sink URL names the
# version: https://{shop}.myshopify.com/admin/api/2026-10/graphql.json).
# Each mapping builds the whole POST body, {"query": …, "variables": …}.
#
# Fulfilments. Shopify fulfils fulfillment orders, not orders: an order's
# line items are grouped into fulfillment orders, one per location, and a
# fulfillment names fulfillment order line items, whose ids a canonical
# shipment does not carry. So a shipment goes to Shopify in two requests:
#   1. shopify.fulfillment_orders_query(shipment): the query that reads the
#      order's fulfillment orders with their line items (a flow's call
#      step; the answer is typed shopify.FulfillmentOrders);
#   2. shopify.fulfillment_create({shipment, fulfillment_orders,
#      notify_customer}): the fulfillmentCreate mutation.
# A changed version of a shipment Shopify has already (new tracking) is a
# third request: shopify.fulfillment_tracking_update({fulfillment_id,
# shipment, notify_customer}), the fulfillmentTrackingInfoUpdate mutation
# on the fulfilment the first version created (its id is the ref of that
# delivery: the sink's ref_paths find it in the answer).
# The REST fulfillments API that took order line items is deprecated and
# not used.
#
# Conventions:
#   - A shipment line's line_id is the Shopify order line item id, as
#     shopify.order gives it ("466157049", or its global id). It is matched
#     to the fulfillment order line item whose lineItem.id is that line
#     item, in a fulfillment order Shopify lets fulfil (OPEN or
#     IN_PROGRESS) with at least the shipped quantity remaining. A line no
#     fulfillment order holds fails with UNKNOWN_ORDER_LINE; one whose
#     remaining quantity is zero everywhere (fulfilled already, say by an
#     earlier delivery of this very shipment) with ALREADY_FULFILLED; one
#     shipping more than remains in any one fulfillment order with
#     INVALID_QUANTITY. Nothing is sent then: no partial fulfilment.
#   - Quantities are whole units: a line in EA, or with a base quantity in
#     EA (a case of 12 ships 12); anything else is INVALID_QUANTITY.
#   - Tracking: one number is sent as number/url, several as numbers/urls
#     (urls only when every number has one); company is the shipment's
#     carrier, else its first tracking's carrier, as given (Shopify turns
#     the names it knows, UPS, USPS, FedEx, DHL Express…, into links).
#   - Shopify answers 200 even when it refused: the flow must read
#     userErrors (and, for the query, errors: THROTTLED is a retry).
#
# Inventory. shopify.inventory_set sets the "available" quantity of one
# inventory item at one location with inventorySetQuantities, reason
# "correction": the level is absolute (the ERP is the source of truth), so
# changeFromQuantity is null, Shopify's documented opt-out of its
# compare-and-swap check for systems of record. Since 2026-04 the mutation
# needs an @idempotent key: the caller passes one that is the same for
# every retry of one change. Shopify's ids for the SKU and the location
# come from the caller (tables the flow keeps).

type "FulfillmentOrders" {
  schema      = "fulfillment_orders.schema.json"
  description = "The GraphQL answer of shopify.fulfillment_orders_query: an order's fulfillment orders and their line items."
}

type "FulfillmentCreateInput" {
  schema      = "fulfillment_create_input.schema.json"
  description = "A canonical shipment with the fulfillment orders of its order: what shopify.fulfillment_create reads."
}

type "FulfillmentLineInput" {
  schema      = "fulfillment_line_input.schema.json"
  description = "One shipped line with the fulfillment orders of its order."
}

type "FulfillmentCreateRequest" {
  schema      = "fulfillment_create_request.schema.json"
  description = "The GraphQL fulfillmentCreate request body."
}

type "InventorySetInput" {
  schema      = "inventory_set_input.schema.json"
  description = "A canonical level with its Shopify inventory item and location and an idempotency key."
}

type "InventorySetRequest" {
  schema      = "inventory_set_request.schema.json"
  description = "The GraphQL inventorySetQuantities request body."
}

# A Shopify id as a global id: kept when it is one already
# ("gid://shopify/Order/450789469"), else built from the kind and the
# numeric id. Called as shopify.gid({'kind': 'Order', 'id': '450789469'}).
mapping "gid" {
  description = "A global id (gid://shopify/<kind>/<id>) from {kind, id}; an id that is already global is kept."
  input       = any
  value       = "string(input.id).startsWith('gid://') ? string(input.id) : 'gid://shopify/' + string(input.kind) + '/' + string(input.id)"
}

# Whole units shipped on a line: the quantity in EA, else the base
# quantity in EA; fractions and other units are INVALID_QUANTITY.
mapping "shipped_units" {
  description = "The units a shipment line ships, as an int: its quantity in EA, else its base quantity in EA."
  input       = commerce.ShipmentLine
  value       = <<-CEL
    cel.bind(q,
      input.quantity.uom == 'EA' ? input.quantity
        : input.?base_quantity.orValue(input.quantity).uom == 'EA' ? input.base_quantity
        : require(input.quantity, false, 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(input.quantity.value) + ' ' + input.quantity.uom + ' without a base quantity in EA; Shopify counts units'),
      int(format_decimal(require(round(q.value, 0), round(q.value, 0) == q.value && q.value > decimal('0'), 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(q.value) + ' EA; Shopify fulfils whole units'))))
  CEL
}

# Whole units available at a level: in EA; anything else is
# INVALID_QUANTITY (the flow converts packs to eaches first).
mapping "available_units" {
  description = "The available quantity of a level, as an int of eaches."
  input       = commerce.InventoryLevel
  value       = <<-CEL
    int(format_decimal(require(round(input.available.value, 0),
      input.available.uom == 'EA' && round(input.available.value, 0) == input.available.value,
      'INVALID_QUANTITY', 'the level of ' + input.?sku.or(input.?item_id).orValue('?') + ' is ' + format_decimal(input.available.value) + ' ' + input.available.uom + '; Shopify counts whole units')))
  CEL
}

# The lookup before a fulfilment: the order's fulfillment orders (at most
# 20) and their line items (at most 100 each), with what remains to fulfil.
# Access scopes: read_ and write_merchant_managed_fulfillment_orders for
# this query and fulfillmentCreate (the assigned_ or third_party_ ones when
# a fulfillment service or another app holds the fulfillment order), and
# write_inventory for inventorySetQuantities.
mapping "fulfillment_orders_query" {
  description = "The GraphQL query (POST body) that reads the fulfillment orders of a shipment's Shopify order."
  input       = commerce.Shipment
  value       = <<-CEL
    {
      'query': 'query transloadFulfillmentOrders($id: ID!) { order(id: $id) { id name fulfillmentOrders(first: 20) { nodes { id status assignedLocation { name location { id } } lineItems(first: 100) { nodes { id sku totalQuantity remainingQuantity lineItem { id } } } } } } }',
      'variables': {'id': shopify.gid({'kind': 'Order', 'id': input.order_id})}
    }
  CEL
}

# One shipped line matched to the fulfillment order line item that ships
# it: {fulfillment_order_id, id, quantity}. See the conventions above.
mapping "fulfillment_order_line" {
  description = "The fulfillment order and fulfillment order line item a shipped line fulfils, with its quantity; UNKNOWN_ORDER_LINE, ALREADY_FULFILLED or INVALID_QUANTITY when none can."
  input       = FulfillmentLineInput
  value       = <<-CEL
    cel.bind(gid, shopify.gid({'kind': 'LineItem', 'id': input.line.line_id}),
    cel.bind(units, shopify.shipped_units(input.line),
    cel.bind(open, input.fulfillment_orders.data.order.fulfillmentOrders.nodes.filter(fo, fo.status in ['OPEN', 'IN_PROGRESS']
        && fo.lineItems.nodes.exists(li, li.lineItem.id == gid && li.remainingQuantity >= units)),
    cel.bind(holding, input.fulfillment_orders.data.order.fulfillmentOrders.nodes.filter(fo, fo.lineItems.nodes.exists(li, li.lineItem.id == gid)),
      size(open) > 0
        ? {
            'fulfillment_order_id': open[0].id,
            'id': open[0].lineItems.nodes.filter(li, li.lineItem.id == gid && li.remainingQuantity >= units)[0].id,
            'quantity': units
          }
        : size(holding) == 0
          ? require({'fulfillment_order_id': '', 'id': '', 'quantity': 0}, false, 'UNKNOWN_ORDER_LINE',
              'line ' + gid + ' (SKU ' + input.line.sku + ') is in no fulfillment order of Shopify order ' + input.?order_id.orValue('?') + ': the shipment line_id must be the Shopify line item id')
          : holding.all(fo, !(fo.status in ['OPEN', 'IN_PROGRESS']) || fo.lineItems.nodes.all(li, li.lineItem.id != gid || li.remainingQuantity == 0))
            ? require({'fulfillment_order_id': '', 'id': '', 'quantity': 0}, false, 'ALREADY_FULFILLED',
                'line ' + gid + ' (SKU ' + input.line.sku + ') has nothing left to fulfil in Shopify order ' + input.?order_id.orValue('?') + ' (fulfillment orders ' + join(holding.map(fo, fo.id + ' ' + fo.status), ', ') + ')')
            : require({'fulfillment_order_id': '', 'id': '', 'quantity': 0}, false, 'INVALID_QUANTITY',
                'line ' + gid + ' (SKU ' + input.line.sku + ') ships ' + string(units) + ', more than remains to fulfil in any one open fulfillment order of Shopify order ' + input.?order_id.orValue('?') + ' (' + join(holding.map(fo, fo.id + ' ' + fo.status), ', ') + ')')
    ))))
  CEL
}

# A shipment's tracking as Shopify's FulfillmentTrackingInput: see the
# conventions above. A shipment without tracking is NULL_REQUIRED_FIELD.
mapping "tracking_info" {
  description = "A canonical shipment's carrier and tracking numbers as a FulfillmentTrackingInput."
  input       = commerce.Shipment
  value       = <<-CEL
    cel.bind(trk, require(input.?tracking.orValue([]), size(input.?tracking.orValue([])) > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' has no tracking'),
      {
        ?'company': input.?carrier.orValue('') != '' ? input.?carrier : trk[0].?carrier,
        ?'number': size(trk) == 1 ? optional.of(trk[0].number) : optional.none(),
        ?'url': size(trk) == 1 ? trk[0].?url : optional.none(),
        ?'numbers': size(trk) > 1 ? optional.of(trk.map(t, t.number)) : optional.none(),
        ?'urls': size(trk) > 1 && trk.all(t, has(t.url)) ? optional.of(trk.map(t, t.url)) : optional.none()
      })
  CEL
}

# A tracking correction: a changed version of a shipment Shopify has as a
# fulfilment already, named by the fulfilment's id (the ref its
# fulfillmentCreate answer gave, which the flow's dedupe step keeps). Only
# the tracking changes: Shopify cannot move fulfilled quantities.
mapping "fulfillment_tracking_update" {
  description = "A tracking correction, {fulfillment_id, shipment, notify_customer}, as the GraphQL fulfillmentTrackingInfoUpdate request body (Admin API 2026-10)."
  input       = any
  value       = <<-CEL
    {
      'query': 'mutation transloadFulfillmentTrackingUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean) { fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput, notifyCustomer: $notifyCustomer) { fulfillment { id name status trackingInfo(first: 10) { company number url } } userErrors { field message } } }',
      'variables': {
        'fulfillmentId': shopify.gid({'kind': 'Fulfillment', 'id': string(input.fulfillment_id)}),
        'trackingInfoInput': shopify.tracking_info(input.shipment),
        'notifyCustomer': input.?notify_customer.orValue(false) == true
      }
    }
  CEL
}

# A canonical shipment as a fulfillmentCreate request: see the
# conventions above. The lines are grouped by fulfillment order, in the
# order Shopify lists the fulfillment orders.
mapping "fulfillment_create" {
  description = "A canonical shipment and its order's fulfillment orders as the GraphQL fulfillmentCreate request body (Admin API 2026-10)."
  input       = FulfillmentCreateInput
  output      = FulfillmentCreateRequest
  fields = {
    query = "'mutation transloadFulfillmentCreate($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id name status trackingInfo(first: 10) { company number url } } userErrors { field message } } }'"
    variables = {
      fulfillment = {
        lineItemsByFulfillmentOrder = <<-CEL
          cel.bind(picked, require(input.shipment.lines, size(input.shipment.lines) > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + input.shipment.id + ' has no lines: it fulfils nothing')
              .map(l, shopify.fulfillment_order_line({'line': l, 'order_id': input.shipment.?order_id.orValue('?'), 'fulfillment_orders': input.fulfillment_orders})),
            input.fulfillment_orders.data.order.fulfillmentOrders.nodes
              .filter(fo, picked.exists(p, p.fulfillment_order_id == fo.id))
              .map(fo, {
                'fulfillmentOrderId': fo.id,
                'fulfillmentOrderLineItems': picked.filter(p, p.fulfillment_order_id == fo.id).map(p, {'id': string(p.id), 'quantity': int(p.quantity)})
              }))
        CEL
        notifyCustomer              = "input.?notify_customer.orValue(false)"
        trackingInfo                = "size(input.shipment.?tracking.orValue([])) == 0 ? optional.none() : optional.of(shopify.tracking_info(input.shipment))"
      }
    }
  }
}

# A canonical level as an inventorySetQuantities request: see the
# conventions above.
mapping "inventory_set" {
  description = "A canonical inventory level as the GraphQL inventorySetQuantities request body (Admin API 2026-10): available, reason correction, no compare-and-swap, an @idempotent key."
  input       = InventorySetInput
  output      = InventorySetRequest
  fields = {
    query = "'mutation transloadInventorySet($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) { inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } } userErrors { code field message } } }'"
    variables = {
      idempotencyKey = "input.idempotency_key"
      input = {
        name       = "'available'"
        reason     = "'correction'"
        quantities = <<-CEL
          [{
            'inventoryItemId': shopify.gid({'kind': 'InventoryItem', 'id': input.inventory_item_id}),
            'locationId': shopify.gid({'kind': 'Location', 'id': input.location_id}),
            'quantity': shopify.available_units(input.level),
            'changeFromQuantity': null
          }]
        CEL
      }
    }
  }
}
