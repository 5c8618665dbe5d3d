import "walmart" {}
import "amazon" {}

# Shipments back to the channel that sold the order. The ERP shipment
# flows post canonical shipments here (or drop them in
# inbox/channel_shipments); shipment.channel says where each goes:
#   walmart        ship order lines, POST /v3/orders/{id}/shipping
#                  (walmart.shipment_update; an updated shipment corrects
#                  the tracking with walmart.shipment_tracking_update);
#   amazon         confirmShipment, POST /orders/v0/orders/{id}/
#                  shipmentConfirmation (amazon.confirm_shipment);
#   amazon_vendor  Vendor Shipments submitShipmentConfirmations
#                  (amazon.vendor_shipment_confirmation; Replace for an
#                  updated shipment);
#   shopify        the flow channel_shipments_shopify (the shipment as it
#                  came, its pack lines with base quantities): it reads
#                  the order's fulfillment orders and sends the
#                  fulfillmentCreate mutation (see below);
#   anything else  filtered (EDI partners get an 856 from their own flow).
# A channel whose URL variable is empty gets its requests in the outbox.
#
# Packages: a shipment whose cartons each hold lines and a tracking number
# goes to Walmart and Amazon as one request per carton (each its own
# package with its own tracking number; the carrier and URL of the
# shipment's tracking entry at the carton's position when it has that
# number, else the shipment's carrier); otherwise as one package with the
# first tracking number. Amazon Vendor gets the whole shipment in one ASN.
#
# Defaults the channel APIs need and an ERP shipment may lack come from
# variables: the Amazon marketplace (amazon_marketplace_id) and the vendor
# parties (amazon_vendor_selling_party, amazon_vendor_ship_from_party).
#
# Shopify. Shopify fulfils fulfillment orders, whose ids a shipment does
# not carry, so its fulfilment is a call (read the order's fulfillment
# orders) and then the fulfillmentCreate mutation, with checks of both
# answers: a flow of its own, channel_shipments_shopify
# (channel_shipments_shopify.hcl), which gets every Shopify shipment. Its
# call and its delivery to Shopify run only when shopify_admin_url is set
# (`when`); while it is empty, the flow writes the request the fulfilment
# starts with, the fulfillment-orders query, to the outbox, as the other
# channels do without a URL.
flow "channel_shipments" {
  description = "Canonical shipments back to the channel that sold the order: Walmart ship order lines, Amazon confirmShipment, Amazon Vendor shipment confirmations; Shopify shipments to the flow channel_shipments_shopify."
  priority    = "normal"
  schema      = commerce.Shipment

  source "http" {
    path    = "/webhooks/channel_shipments"
    verify  = "api_key"
    secrets = [env("CHANNEL_SHIPMENTS_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/channel_shipments"
  }

  # A changed shipment (new tracking, say) goes through again as an update.
  dedupe "shipment" {
    key       = "input.?channel.orValue('') + ':' + input.id"
    on_change = "update"
  }

  # Lines in packs get their base quantity from the item master: the
  # channels count units.
  enrich "canonical" {
    fields = {
      lines = "input.lines.map(l, has(l.base_quantity) || l.quantity.uom == 'EA' ? l : dyn(with_base_quantity(dyn(l), tables.items, vars.unknown_sku)))"
    }
  }

  # The packages, each a shipment of its own for the channel mappings, with
  # the references they read and the variables' defaults.
  map "packages" {
    value = <<-CEL
      cel.bind(s, canonical,
      cel.bind(refs, {
          ?'ship_method': s.?references.?ship_method,
          ?'seller_order_id': s.?references.?seller_order_id,
          ?'sales_order': s.?references.?sales_order,
          'marketplace_id': s.?references.?marketplace_id.orValue('') != '' ? s.references.marketplace_id : vars.amazon_marketplace_id,
          ?'selling_party': s.?references.?selling_party.orValue('') != '' ? s.references.?selling_party
            : vars.amazon_vendor_selling_party != '' ? optional.of(vars.amazon_vendor_selling_party) : optional.none(),
          ?'ship_from_party': s.?references.?ship_from_party.orValue('') != '' ? s.references.?ship_from_party
            : vars.amazon_vendor_ship_from_party != '' ? optional.of(vars.amazon_vendor_ship_from_party) : optional.none(),
          ?'ship_to_party': s.?references.?ship_to_party,
          ?'carrier_scac': s.?references.?carrier_scac,
          ?'bill_of_lading': s.?references.?bill_of_lading
        },
      cel.bind(whole, {
          'id': s.id,
          ?'order_id': s.?order_id,
          ?'channel': s.?channel,
          ?'shipped_at': s.?shipped_at,
          ?'carrier': s.?carrier,
          ?'service': s.?service,
          ?'tracking': s.?tracking,
          'lines': s.lines,
          'references': refs
        },
        s.?channel.orValue('') in ['walmart', 'amazon']
          && size(s.?cartons.orValue([])) > 1
          && s.cartons.all(c, size(c.lines) > 0 && c.?tracking.orValue('') != '')
          ? s.cartons.transformList(i, c, {
              'id': s.id + '-' + string(i + 1),
              ?'order_id': s.?order_id,
              ?'channel': s.?channel,
              ?'shipped_at': s.?shipped_at,
              ?'carrier': s.?carrier,
              ?'service': s.?service,
              'tracking': size(s.?tracking.orValue([])) > i && s.tracking[i].number == c.tracking
                ? dyn([s.tracking[i]])
                : dyn([{'number': c.tracking, ?'carrier': s.?carrier}]),
              'lines': c.lines,
              'references': refs
            })
          : [whole])))
    CEL
  }

  split "target" {
    items = "['walmart', 'amazon', 'amazon_vendor', 'shopify'].exists(c, c == canonical.?channel.orValue('')) ? packages.transformList(i, p, {'channel': canonical.channel, 'key': canonical.channel + ':' + string(i + 1), 'package': p}) : []"
    key   = "target.key"
  }

  # The request for the channel's API: whether its URL is set, the path
  # after it, and the body. Shopify's is the shipment, for the flow that
  # makes its requests (and sends them only when shopify_admin_url is
  # set).
  map "request" {
    value = <<-CEL
      target.channel == 'walmart' ? dyn({
          'online': vars.walmart_url != '',
          'path': '/v3/orders/' + url_path_escape(target.package.order_id) + '/shipping',
          'body': shipment.update ? walmart.shipment_tracking_update(target.package) : walmart.shipment_update(target.package)
        })
      : target.channel == 'amazon' ? dyn({
          'online': vars.amazon_url != '',
          'path': '/orders/v0/orders/' + url_path_escape(target.package.order_id) + '/shipmentConfirmation',
          'body': amazon.confirm_shipment(target.package)
        })
      : target.channel == 'amazon_vendor' ? dyn({
          'online': vars.amazon_vendor_url != '',
          'path': '/vendor/shipping/v1/shipmentConfirmations',
          'body': amazon.vendor_shipment_confirmation({'shipment': target.package, 'replace': shipment.update, 'confirmed_at': meta.received_at})
        })
      : dyn({
          'online': vars.shopify_admin_url != '',
          'path': '',
          'body': canonical
        })
    CEL
  }

  route "deliver" {
    body = "request.body"
    case "walmart" {
      when = "target.channel == 'walmart' && request.online"
      to   = [sink.walmart]
    }
    case "amazon" {
      when = "target.channel == 'amazon' && request.online"
      to   = [sink.amazon]
    }
    case "amazon_vendor" {
      when = "target.channel == 'amazon_vendor' && request.online"
      to   = [sink.amazon_vendor]
    }
    case "shopify" {
      when = "target.channel == 'shopify'"
      to   = [flow.channel_shipments_shopify]
    }
    default {
      to = [sink.outbox]
    }
  }
}
