# Back to Amazon (Selling Partner API): shipment confirmations for seller
# orders and for Vendor Central purchase orders, and inventory.
#
#   amazon.confirm_shipment               Orders API v0 confirmShipment:
#       POST /orders/v0/orders/{orderId}/shipmentConfirmation (204), one
#       package of a seller-fulfilled (MFN) order.
#   amazon.vendor_shipment_confirmation   Vendor Shipments API v1 (Retail
#       Procurement) SubmitShipmentConfirmations:
#       POST /vendor/shipping/v1/shipmentConfirmations (202, processed
#       later). It is the confirmation of the Vendor Orders API purchase
#       orders amazon.vendor_order reads (vendor/orders/v1); Direct
#       Fulfillment vendors use other APIs, whose orders this module does
#       not read.
#   amazon.inventory_update               Listings Items API 2021-08-01
#       patchListingsItem:
#       PATCH /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=…
#
# Conventions:
#   - orderItemId is the shipment line's line_id: amazon.order (v0 and
#     2026-01-01) gives OrderItemId/orderItemId as line_id. A line without
#     one fails with NULL_REQUIRED_FIELD.
#   - Quantities are whole units: the line's quantity in EA, else its base
#     quantity in EA (INVALID_QUANTITY otherwise). Vendor quantities keep
#     cases: 2 CS with a base quantity of 24 EA is {amount 2, Cases,
#     unitSize 12}.
#   - Dates are ISO 8601 in UTC (shipDate "2026-11-27T15:30:00Z").
#   - carrierCode is Amazon's code when the carrier is one Amazon lists
#     (exactly, or a common spelling: "United Parcel Service" is UPS), else
#     "Other" with carrierName the carrier as given.
#   - packageReferenceId must be a positive number, unique per package of
#     the order, and confirming the same one again edits that package (so
#     a retried or updated shipment never makes a second package): it is
#     the shipment id when that is a number of at most 15 digits, else a
#     15-digit number derived from the SHA-256 of the id (always the same
#     for the same id).
#   - marketplaceId is the shipment's references.marketplace_id
#     (amazon.order keeps MarketplaceId there; the channel_shipments flow
#     fills it from its variable when an ERP shipment lacks it). One package
#     has one tracking number: the first of the shipment's (a flow sends a
#     shipment of several cartons as one package per carton).

type "ConfirmShipmentRequest" {
  schema      = "confirm_shipment_request.schema.json"
  description = "The body of POST /orders/v0/orders/{orderId}/shipmentConfirmation."
}

type "VendorShipmentInput" {
  schema      = "vendor_shipment_input.schema.json"
  description = "A canonical shipment to confirm to Amazon Retail, whether it replaces one sent before, and the confirmation time."
}

type "ShipmentConfirmations" {
  schema      = "vendor_shipment_confirmations.schema.json"
  description = "The body of POST /vendor/shipping/v1/shipmentConfirmations."
}

type "ListingsInventoryInput" {
  schema      = "listings_inventory_input.schema.json"
  description = "A canonical level and the product type of its listing."
}

type "ListingsPatchRequest" {
  schema      = "listings_patch_request.schema.json"
  description = "The body of PATCH /listings/2021-08-01/items/{sellerId}/{sku}."
}

# Amazon's carrier code for a carrier: see the conventions above.
mapping "carrier_code" {
  description = "Amazon's carrierCode for a carrier name: the code Amazon lists, else Other."
  input       = string
  value       = <<-CEL
    input in ['USPS', 'UPS', 'UPSMI', 'FedEx', 'DHL', 'DHL Global Mail', 'FedEx SmartPost', 'OnTrac', 'Lasership',
              'Canada Post', 'Royal Mail', 'Parcelforce', 'Yodel', 'DPD', 'GLS', 'TNT', 'Deutsche Post', 'Hermes Logistik Gruppe',
              'La Poste', 'Chronopost', 'Poste Italiane', 'India Post', 'Aramex', 'Other']
      ? input
      : {
          'UPS': 'UPS', 'UNITED PARCEL SERVICE': 'UPS', 'UPS MAIL INNOVATIONS': 'UPSMI',
          'USPS': 'USPS', 'US POSTAL SERVICE': 'USPS', 'U.S. POSTAL SERVICE': 'USPS', 'UNITED STATES POSTAL SERVICE': 'USPS',
          'FEDEX': 'FedEx', 'FEDERAL EXPRESS': 'FedEx', 'FEDEX GROUND': 'FedEx', 'FEDEX EXPRESS': 'FedEx', 'FEDEX HOME DELIVERY': 'FedEx',
          'FEDEX SMARTPOST': 'FedEx SmartPost', 'DHL': 'DHL', 'DHL EXPRESS': 'DHL', 'DHL GLOBAL MAIL': 'DHL Global Mail',
          'ONTRAC': 'OnTrac', 'LASERSHIP': 'Lasership', 'CANADA POST': 'Canada Post', 'ROYAL MAIL': 'Royal Mail',
          'PARCELFORCE': 'Parcelforce', 'YODEL': 'Yodel', 'DPD': 'DPD', 'GLS': 'GLS', 'TNT': 'TNT', 'DEUTSCHE POST': 'Deutsche Post',
          'HERMES': 'Hermes Logistik Gruppe', 'LA POSTE': 'La Poste', 'CHRONOPOST': 'Chronopost', 'POSTE ITALIANE': 'Poste Italiane',
          'INDIA POST': 'India Post', 'ARAMEX': 'Aramex'
        }[?upper(normalize_space(input))].orValue('Other')
  CEL
}

# A positive number for packageReferenceId: see the conventions above.
mapping "package_reference" {
  description = "A package reference Amazon accepts (a positive number) for a shipment id: the id itself when it is one, else 15 digits derived from its SHA-256."
  input       = string
  value       = <<-CEL
    input.matches('^[1-9][0-9]{0,14}$')
      ? input
      : '9' + join(lists.range(14).map(i, {
          '0': '0', '1': '1', '2': '2', '3': '3', '4': '4', '5': '5', '6': '6', '7': '7', '8': '8', '9': '9',
          'a': '0', 'b': '1', 'c': '2', 'd': '3', 'e': '4', 'f': '5'
        }[substr(sha256_hex(input), i, 1)]), '')
  CEL
}

# Whole units shipped on a line: see the conventions above.
mapping "shipped_units" {
  description = "The units a shipment line ships, as an int: its quantity in EA, else its base quantity in EA."
  input       = commerce.ShipmentLine
  value       = <<-CEL
    cel.bind(q,
      input.quantity.uom == 'EA' ? input.quantity
        : input.?base_quantity.orValue(input.quantity).uom == 'EA' ? input.base_quantity
        : require(input.quantity, false, 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(input.quantity.value) + ' ' + input.quantity.uom + ' without a base quantity in EA; Amazon counts units'),
      int(format_decimal(require(round(q.value, 0), round(q.value, 0) == q.value && q.value > decimal('0'), 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(q.value) + ' EA; Amazon ships whole units'))))
  CEL
}

# One package of a seller order as a confirmShipment request: see the
# conventions above. shippingMethod is the shipment's service, when given.
mapping "confirm_shipment" {
  description = "A canonical shipment (one package) as the body of POST /orders/v0/orders/{orderId}/shipmentConfirmation (Orders API v0 confirmShipment)."
  input       = commerce.Shipment
  output      = ConfirmShipmentRequest
  fields = {
    marketplaceId = "require(input.?references.?marketplace_id.orValue(''), input.?references.?marketplace_id.orValue('') != '', 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' has no references.marketplace_id: Amazon confirms a shipment in its marketplace')"
    packageDetail = {
      packageReferenceId = "amazon.package_reference(input.id)"
      carrierCode        = <<-CEL
        amazon.carrier_code(cel.bind(c, input.?tracking.orValue([]).size() > 0 && input.tracking[0].?carrier.orValue('') != '' ? input.tracking[0].carrier : input.?carrier.orValue(''),
          require(c, c != '', 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' names no carrier: Amazon needs one')))
      CEL
      carrierName        = <<-CEL
        cel.bind(c, input.?tracking.orValue([]).size() > 0 && input.tracking[0].?carrier.orValue('') != '' ? input.tracking[0].carrier : input.?carrier.orValue(''),
          c != '' && amazon.carrier_code(c) == 'Other' ? optional.of(c) : optional.none())
      CEL
      shippingMethod     = "input.?service.orValue('') != '' ? optional.of(input.service) : optional.none()"
      trackingNumber     = "require(input.?tracking.orValue([]), input.?tracking.orValue([]).size() > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' has no tracking number: Amazon needs one')[0].number"
      shipDate           = "format_time(input.shipped_at, 'UTC')"
      orderItems         = <<-CEL
        require(input.lines, size(input.lines) > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' has no lines')
          .map(l, {'orderItemId': l.line_id, 'quantity': amazon.shipped_units(l)})
      CEL
    }
  }
}

# A vendor shipment line's quantity: Eaches, or Cases with their size.
mapping "vendor_quantity" {
  description = "Vendor Shipments ItemQuantity of a shipment line: EA as Eaches; CS as Cases with unitSize from the base quantity in EA; otherwise its base quantity in EA as Eaches."
  input       = commerce.ShipmentLine
  value       = <<-CEL
    input.quantity.uom == 'CS' && input.?base_quantity.orValue(input.quantity).uom == 'EA'
      ? {
          'amount': int(format_decimal(require(round(input.quantity.value, 0), round(input.quantity.value, 0) == input.quantity.value, 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(input.quantity.value) + ' cases; Amazon takes whole cases'))),
          'unitOfMeasure': 'Cases',
          'unitSize': int(format_decimal(require(round(input.base_quantity.value / input.quantity.value, 0), round(input.base_quantity.value / input.quantity.value, 0) == input.base_quantity.value / input.quantity.value, 'INVALID_QUANTITY', 'SKU ' + input.sku + ': ' + format_decimal(input.base_quantity.value) + ' EA in ' + format_decimal(input.quantity.value) + ' cases is not a whole case size')))
        }
      : {'amount': amazon.shipped_units(input), 'unitOfMeasure': 'Eaches'}
  CEL
}

# The SCAC of a shipment's carrier: references.carrier_scac, else the SCAC
# of a few carriers whose code is certain (UPS UPSN, FedEx Ground FDEG,
# FedEx Express FDXE, USPS USPS, Old Dominion ODFL, Estes EXLA, SAIA SAIA,
# R+L RLCA, ABF ABFS), else "" (none): Amazon asks for it in US, CA and MX
# confirmations, and a wrong one is worse than none.
mapping "carrier_scac" {
  description = "The carrier's SCAC for Vendor Shipments transportationDetails: references.carrier_scac, else the known SCAC of a common carrier name, else \"\"."
  input       = commerce.Shipment
  value       = <<-CEL
    input.?references.?carrier_scac.orValue('') != ''
      ? input.references.carrier_scac
      : {
          'UPS': 'UPSN', 'UNITED PARCEL SERVICE': 'UPSN', 'FEDEX GROUND': 'FDEG', 'FEDEX EXPRESS': 'FDXE', 'USPS': 'USPS',
          'OLD DOMINION': 'ODFL', 'ESTES': 'EXLA', 'SAIA': 'SAIA', 'R+L CARRIERS': 'RLCA', 'ABF': 'ABFS'
        }[?upper(normalize_space(input.?carrier.orValue('')))].orValue('')
  CEL
}

# A canonical shipment as a Vendor Shipments confirmation (an ASN):
#   shipmentIdentifier        the shipment id (Amazon refuses one used in the
#                             last 365 days for another shipment).
#   shipmentConfirmationType  Original, or Replace when input.replace (an
#                             updated shipment: same identifier, same
#                             selling party).
#   sellingParty, shipFromParty, shipToParty
#                             references.selling_party (the vendor code;
#                             amazon.vendor_order keeps the PO's there),
#                             references.ship_from_party, and
#                             references.ship_to_party (the Amazon
#                             warehouse of the PO): each required.
#   shippedDate               shipped_at; shipmentConfirmationDate
#                             input.confirmed_at.
#   shippedItems              one per shipment line, numbered 001, 002…;
#                             vendorProductIdentifier the SKU (the vendor's
#                             id, as the PO gave it), purchaseOrderNumber
#                             the shipment's order_id.
#   transportationDetails     carrierScac (see carrier_scac), the first
#                             tracking number as the carrier's reference,
#                             references.bill_of_lading.
# Cartons and pallets are not sent: the carton-level ASN is the X12 856's.
mapping "vendor_shipment_confirmation" {
  description = "A canonical shipment as the body of POST /vendor/shipping/v1/shipmentConfirmations (Vendor Shipments API v1, Retail Procurement)."
  input       = VendorShipmentInput
  output      = ShipmentConfirmations
  value       = <<-CEL
    cel.bind(s, input.shipment,
    cel.bind(party, {
        'selling': s.?references.?selling_party.orValue(''),
        'ship_from': s.?references.?ship_from_party.orValue(''),
        'ship_to': s.?references.?ship_to_party.orValue('')
      },
      {'shipmentConfirmations': [{
        'shipmentIdentifier': s.id,
        'shipmentConfirmationType': input.?replace.orValue(false) ? 'Replace' : 'Original',
        'shipmentConfirmationDate': format_time(input.confirmed_at, 'UTC'),
        ?'shippedDate': s.?shipped_at.optMap(t, format_time(t, 'UTC')),
        'sellingParty': {'partyId': require(party.selling, party.selling != '', 'NULL_REQUIRED_FIELD', 'shipment ' + s.id + ' has no references.selling_party (the vendor code of the purchase order)')},
        'shipFromParty': {'partyId': require(party.ship_from, party.ship_from != '', 'NULL_REQUIRED_FIELD', 'shipment ' + s.id + ' has no references.ship_from_party (the vendor warehouse Amazon knows)')},
        'shipToParty': {'partyId': require(party.ship_to, party.ship_to != '', 'NULL_REQUIRED_FIELD', 'shipment ' + s.id + ' has no references.ship_to_party (the Amazon warehouse of the purchase order)')},
        ?'transportationDetails': amazon.carrier_scac(s) != '' || size(s.?tracking.orValue([])) > 0 || s.?references.?bill_of_lading.orValue('') != ''
          ? optional.of({
              ?'carrierScac': amazon.carrier_scac(s) != '' ? optional.of(amazon.carrier_scac(s)) : optional.none(),
              ?'carrierShipmentReferenceNumber': size(s.?tracking.orValue([])) > 0 ? optional.of(s.tracking[0].number) : optional.none(),
              ?'billOfLadingNumber': s.?references.?bill_of_lading.orValue('') != '' ? s.?references.?bill_of_lading : optional.none()
            })
          : optional.none(),
        'shippedItems': require(s.lines, size(s.lines) > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + s.id + ' has no lines').transformList(i, l, {
          'itemSequenceNumber': pad_left(string(i + 1), 3, '0'),
          'vendorProductIdentifier': l.sku,
          'shippedQuantity': amazon.vendor_quantity(l),
          'itemDetails': {'purchaseOrderNumber': s.order_id}
        })
      }]}))
  CEL
}

# A SKU for a URL path segment: every character but letters, digits and
# -_.~ percent-encoded, a space as %20 (Amazon: "special characters must
# be encoded"). url_path_escape would leave + & = : @ as they are, which a
# path may hold, but SP-API has read a "+" in a SKU as a space: url_escape
# encodes "+" as %2B, and its own "+" for a space becomes %20.
mapping "path_escape" {
  description = "A value percent-encoded for a URL path segment: all but letters, digits and -_.~, a space as %20."
  input       = string
  value       = "replace(url_escape(input), '+', '%20')"
}

# A canonical level as a listings patch of the seller's own stock
# (fulfillment channel DEFAULT). The op is merge, not replace: merge
# changes the quantity and keeps what the listing says of handling time
# and restock date (replace would drop them); Amazon documents merge for
# exactly this since June 2025. The quantity is whole units in EA
# (INVALID_QUANTITY otherwise); a level without a SKU fails with
# NULL_REQUIRED_FIELD: a listing is by SKU.
mapping "inventory_update" {
  description = "A canonical inventory level as the body of PATCH /listings/2021-08-01/items/{sellerId}/{sku} (Listings Items API 2021-08-01): fulfillment_availability DEFAULT, quantity merged."
  input       = ListingsInventoryInput
  output      = ListingsPatchRequest
  fields = {
    productType = "input.product_type"
    patches     = <<-CEL
      [{
        'op': 'merge',
        'path': '/attributes/fulfillment_availability',
        'value': [{
          'fulfillment_channel_code': 'DEFAULT',
          'quantity': int(format_decimal(require(round(input.level.available.value, 0),
            input.level.available.uom == 'EA' && round(input.level.available.value, 0) == input.level.available.value,
            'INVALID_QUANTITY', 'the level of ' + input.level.sku + ' is ' + format_decimal(input.level.available.value) + ' ' + input.level.available.uom + '; Amazon counts whole units')))
        }]
      }]
    CEL
  }
}
