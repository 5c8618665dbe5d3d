# Shopify fulfillments into canonical shipments.
#
# What it reads: the REST Admin fulfillment (see fulfillment.schema.json),
# bare as the fulfillments/create and fulfillments/update webhooks send
# it; the REST response {"fulfillment": …} is unwrapped by the flow.
#
# Conventions: status is Shopify's as given (a failed or cancelled
# fulfillment is delivered with that status: whoever posts goods issues
# decides what it means); shipped_at is created_at, when the fulfillment
# was recorded; carrier is tracking_company. tracking has one entry per
# tracking number, with the URL at the same position of tracking_urls
# (older payloads have only tracking_number and tracking_url). Lines:
# line_id is the order line, quantity the quantity fulfilled in EA; a line
# without a SKU fails with NULL_REQUIRED_FIELD (null here, empty in the
# flow). The origin is the location, kept in references.location_id.

type "Fulfillment" {
  schema      = "fulfillment.schema.json"
  description = "A Shopify REST Admin fulfillment (webhook body), or the {\"fulfillment\": …} REST response."
}

# One fulfillment into one shipment: see the conventions above.
mapping "fulfillment" {
  input  = Fulfillment
  output = "commerce.Shipment"
  fields = {
    id         = "string(input.id)"
    order_id   = "input.?order_id.optMap(id, string(id))"
    channel    = "'shopify'"
    status     = "input.?status"
    shipped_at = "input.?created_at.optMap(t, parse_time(t))"
    carrier    = "input.?tracking_company.orValue('') != '' ? optional.of(input.tracking_company) : optional.none()"
    tracking   = <<-CEL
      has(input.tracking_numbers) && size(input.tracking_numbers) > 0
        ? shopify.tracking_positions(input).map(i, {
            'number': input.tracking_numbers[i],
            ?'carrier': input.?tracking_company,
            ?'url': has(input.tracking_urls) && size(input.tracking_urls) > i ? optional.of(input.tracking_urls[i]) : optional.none()
          })
        : input.?tracking_number.orValue('') != ''
          ? [{'number': input.tracking_number, ?'carrier': input.?tracking_company, ?'url': input.?tracking_url}]
          : []
    CEL
    lines      = <<-CEL
      has(input.line_items)
        ? input.line_items.map(l, {
            'line_id': string(l.id),
            'sku': l.sku,
            'quantity': qty(l.quantity, 'EA')
          })
        : []
    CEL
    references = <<-CEL
      {
        ?'name': input.?name,
        ?'location_id': input.?location_id.optMap(id, string(id)),
        ?'shipment_status': input.?shipment_status,
        ?'service': input.?service,
        ?'admin_graphql_api_id': input.?admin_graphql_api_id
      }
    CEL
  }
}
