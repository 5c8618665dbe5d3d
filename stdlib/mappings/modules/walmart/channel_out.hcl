# Back to Walmart Marketplace (API v3): shipment confirmation and inventory.
#
# walmart.shipment_update: a canonical shipment as the body of
# POST /v3/orders/{purchaseOrderId}/shipping (ship order lines), the order
# being shipment.order_id, the purchaseOrderId walmart.order gives.
# walmart.shipment_tracking_update is the same with processMode
# PARTIAL_UPDATE, which corrects the tracking of lines already shipped (an
# updated shipment). walmart.inventory_update: a canonical level as the
# body of PUT /v3/inventory?sku={sku}.
#
# Conventions (Walmart's formats: quantities are strings, inventory amounts
# numbers, dates epoch milliseconds in UTC):
#   - One orderLine per shipment line: lineNumber is the line's line_id
#     (walmart.order's line_id is lineNumber), one orderLineStatus
#     "Shipped" with the quantity shipped in EACH (the line's quantity in
#     EA, else its base quantity in EA; a fraction or another unit is
#     INVALID_QUANTITY). A line without line_id fails with
#     NULL_REQUIRED_FIELD: Walmart ships order lines.
#   - trackingInfo: shipDateTime = shipped_at in epoch ms; trackingNumber,
#     trackingURL and the carrier from the shipment's first tracking entry
#     (one package; a flow sends a shipment of several cartons as one
#     shipment per carton). carrierName is {"carrier": …} when the carrier
#     is one of Walmart's carrier names (exactly, or a common spelling of
#     one: "United Parcel Service" is UPS, "LaserShip" is LS), else
#     {"otherCarrier": …}, for which Walmart requires trackingURL (missing:
#     NULL_REQUIRED_FIELD). The carrier is the tracking entry's, else the
#     shipment's; none is NULL_REQUIRED_FIELD.
#   - methodCode is Walmart's shipping method of the order: the shipment's
#     references.ship_method (walmart.order keeps the order's methodCode
#     there), else its service when it is one of Walmart's methods
#     (Standard, Express, OneDay, Freight, WhiteGlove, Value; case and
#     spaces ignored; "Expedited" is Express, "Next Day" and "One Day"
#     OneDay). Anything else fails with NULL_REQUIRED_FIELD rather than a
#     guessed method.
#   - sellerOrderId (required by the API, 30 characters at most, printed on
#     return labels) is references.seller_order_id, else
#     references.sales_order (the ERP's order number), each only when it
#     fits in 30 characters (an id is never cut), else the purchaseOrderId
#     itself.

type "ShippingUpdate" {
  schema      = "shipping_update.schema.json"
  description = "The body of POST /v3/orders/{purchaseOrderId}/shipping."
}

type "InventoryUpdate" {
  schema      = "inventory_update.schema.json"
  description = "The body of PUT /v3/inventory?sku={sku}."
}

# Walmart's carrier names (the Orders API enumeration, US marketplace).
mapping "carriers" {
  description = "The carrier names Walmart accepts in trackingInfo.carrierName.carrier."
  input       = any
  value       = <<-CEL
    ['UPS', 'USPS', 'FedEx', 'Airborne', 'OnTrac', 'DHL Ecommerce - US', 'DHL', 'LS', 'UDS', 'UPSMI', 'FDX',
     'PILOT', 'ESTES', 'SAIA', 'FDS Express', 'Seko Worldwide', 'HIT Delivery', 'FEDEXSP', 'RL Carriers',
     'Metropolitan Warehouse & Delivery', 'China Post', 'YunExpress', 'Yellow Freight Sys', 'AIT Worldwide Logistics',
     'Chukou1', 'Sendle', 'Landmark Global', 'Sunyou', 'Yanwen', '4PX', 'GLS', 'OSM Worldwide', 'FIRST MILE',
     'AM Trucking', 'CEVA', 'India Post', 'SF Express', 'CNE', 'TForce Freight', 'AxleHire', 'LSO', 'Royal Mail',
     'ABF Freight System', 'WanB', 'Roadrunner Freight', 'Meyer Distribution', 'AAA Cooper', 'Canada Post',
     'Southeastern Freight Lines', 'Japan Post', 'Correos de Mexico', 'XPO Logistics', 'JD Logistics', 'YDH', 'JCEX',
     'Flyt', 'Deutsche Post', 'Better Trucks', 'Asendia', 'SFC', 'UBI', 'ePost Global', 'YF Logistics', 'RXO',
     'Estes Express', 'Shypmax', 'WIN.IT America', 'PITT OHIO', 'PostNord Sweden', 'Equick', 'Whistl', 'Tusou',
     'Shiprocket', 'DTDC', 'PTS']
  CEL
}

# A carrier as Walmart's carrierName object: {"carrier": name} for a name
# Walmart knows (exactly, or a common spelling of it), else
# {"otherCarrier": the carrier as given}.
mapping "carrier_name" {
  description = "Walmart's carrierName for a carrier: {carrier} when Walmart knows it, else {otherCarrier}."
  input       = string
  value       = <<-CEL
    input in walmart.carriers(null)
      ? {'carrier': input}
      : {
          'UPS': 'UPS', 'UNITED PARCEL SERVICE': 'UPS',
          'USPS': 'USPS', 'US POSTAL SERVICE': 'USPS', 'U.S. POSTAL SERVICE': 'USPS', 'UNITED STATES POSTAL SERVICE': 'USPS',
          'FEDEX': 'FedEx', 'FEDERAL EXPRESS': 'FedEx', 'FEDEX GROUND': 'FedEx', 'FEDEX EXPRESS': 'FedEx', 'FEDEX HOME DELIVERY': 'FedEx',
          'FEDEX SMARTPOST': 'FEDEXSP', 'FEDEX GROUND ECONOMY': 'FEDEXSP',
          'DHL': 'DHL', 'DHL EXPRESS': 'DHL', 'DHL ECOMMERCE': 'DHL Ecommerce - US', 'DHL ECOMMERCE SOLUTIONS': 'DHL Ecommerce - US',
          'ONTRAC': 'OnTrac', 'LASERSHIP': 'LS', 'UPS MAIL INNOVATIONS': 'UPSMI', 'UNITED DELIVERY SERVICE': 'UDS',
          'FEDEX FREIGHT': 'FDX', 'R+L CARRIERS': 'RL Carriers', 'R&L CARRIERS': 'RL Carriers', 'RL CARRIERS': 'RL Carriers',
          'ESTES': 'ESTES', 'SAIA': 'SAIA', 'TFORCE FREIGHT': 'TForce Freight', 'XPO': 'XPO Logistics', 'XPO LOGISTICS': 'XPO Logistics',
          'ABF': 'ABF Freight System', 'ABF FREIGHT': 'ABF Freight System', 'AAA COOPER': 'AAA Cooper',
          'SOUTHEASTERN FREIGHT LINES': 'Southeastern Freight Lines', 'CANADA POST': 'Canada Post', 'ROYAL MAIL': 'Royal Mail',
          'GLS': 'GLS', 'LSO': 'LSO', 'AXLEHIRE': 'AxleHire', 'OSM': 'OSM Worldwide', 'OSM WORLDWIDE': 'OSM Worldwide',
          'CEVA': 'CEVA', 'PITT OHIO': 'PITT OHIO', 'BETTER TRUCKS': 'Better Trucks', 'ASENDIA': 'Asendia', 'SENDLE': 'Sendle'
        }[?upper(normalize_space(input))].optMap(c, {'carrier': c}).orValue({'otherCarrier': input})
  CEL
}

# Walmart's shipping method of a shipment: see the conventions above.
mapping "method_code" {
  description = "Walmart's methodCode for a shipment: references.ship_method, else its service when that is one of Walmart's methods."
  input       = commerce.Shipment
  value       = <<-CEL
    cel.bind(given, input.?references.?ship_method.orValue('') != '' ? input.references.ship_method : input.?service.orValue(''),
      {
        'standard': 'Standard', 'express': 'Express', 'expedited': 'Express', 'oneday': 'OneDay', 'nextday': 'OneDay',
        'freight': 'Freight', 'whiteglove': 'WhiteGlove', 'value': 'Value'
      }[?lower(replace(replace(given, ' ', ''), '-', ''))].orValue(
        require('', false, 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ': Walmart needs the order\'s shipping method (Standard, Express, OneDay, Freight, WhiteGlove or Value) in references.ship_method or service' + (given == '' ? '' : ', not "' + given + '"'))))
  CEL
}

# Whole units shipped on a line, as Walmart's quantity string: see the
# conventions above.
mapping "shipped_each" {
  description = "The units a shipment line ships, as a string of a whole number: its quantity in EA, else its base quantity in EA."
  input       = commerce.ShipmentLine
  value       = <<-CEL
    cel.bind(q,
      input.quantity.uom == 'EA' ? input.quantity
        : input.?base_quantity.orValue(input.quantity).uom == 'EA' ? input.base_quantity
        : require(input.quantity, false, 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(input.quantity.value) + ' ' + input.quantity.uom + ' without a base quantity in EA; Walmart counts each'),
      format_decimal(require(round(q.value, 0), round(q.value, 0) == q.value && q.value > decimal('0'), 'INVALID_QUANTITY', 'SKU ' + input.sku + ' ships ' + format_decimal(q.value) + ' EA; Walmart ships whole units')))
  CEL
}

# The trackingInfo of a shipment (its first tracking entry): see the
# conventions above.
mapping "tracking_info" {
  description = "Walmart's trackingInfo for a shipment: ship date in epoch ms, carrier, method, first tracking number and URL."
  input       = commerce.Shipment
  value       = <<-CEL
    cel.bind(t, require(input.?tracking.orValue([]), size(input.?tracking.orValue([])) > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' has no tracking number: Walmart needs one')[0],
    cel.bind(carrier, t.?carrier.orValue('') != '' ? t.carrier : input.?carrier.orValue(''),
    cel.bind(name, walmart.carrier_name(require(carrier, carrier != '', 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' names no carrier: Walmart needs one')),
      {
        'shipDateTime': epoch_millis(input.shipped_at),
        'carrierName': name,
        'methodCode': walmart.method_code(input),
        'trackingNumber': t.number,
        ?'trackingURL': has(name.otherCarrier)
          ? optional.of(require(t.?url.orValue(''), t.?url.orValue('') != '', 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ': carrier "' + carrier + '" is not one of Walmart\'s carriers, and Walmart then needs the tracking URL'))
          : t.?url
      })))
  CEL
}

# A canonical shipment as a ship-order-lines request: see the conventions
# above.
mapping "shipment_update" {
  description = "A canonical shipment as the body of POST /v3/orders/{purchaseOrderId}/shipping (Walmart Orders API v3)."
  input       = commerce.Shipment
  output      = ShippingUpdate
  fields = {
    orderShipment = {
      orderLines = {
        orderLine = <<-CEL
          cel.bind(info, walmart.tracking_info(input),
          cel.bind(own, input.?references.?seller_order_id.orValue(''),
          cel.bind(erp, input.?references.?sales_order.orValue(''),
          cel.bind(seller, own != '' && size(own) <= 30 ? own : erp != '' && size(erp) <= 30 ? erp : input.order_id,
            require(input.lines, size(input.lines) > 0, 'NULL_REQUIRED_FIELD', 'shipment ' + input.id + ' has no lines').map(l, {
              'lineNumber': l.line_id,
              'sellerOrderId': seller,
              'orderLineStatuses': {'orderLineStatus': [{
                'status': 'Shipped',
                'statusQuantity': {'unitOfMeasurement': 'EACH', 'amount': walmart.shipped_each(l)},
                'trackingInfo': info
              }]}
            })))))
        CEL
      }
    }
  }
}

# The same request correcting the tracking of lines already shipped.
mapping "shipment_tracking_update" {
  description = "walmart.shipment_update with processMode PARTIAL_UPDATE: new tracking for lines Walmart has as shipped."
  extends     = walmart.shipment_update
  fields = {
    "orderShipment.processMode" = "'PARTIAL_UPDATE'"
  }
}

# A canonical level as an inventory update: quantity in EACH, a whole
# number (a fraction or another unit is INVALID_QUANTITY: the flow converts
# packs to eaches first). A level without a SKU fails with
# NULL_REQUIRED_FIELD: Walmart's inventory is by SKU.
mapping "inventory_update" {
  description = "A canonical inventory level as the body of PUT /v3/inventory?sku={sku} (Walmart Inventory API v3)."
  input       = commerce.InventoryLevel
  output      = InventoryUpdate
  fields = {
    sku = "input.sku"
    quantity = {
      unit   = "'EACH'"
      amount = <<-CEL
        int(format_decimal(require(round(input.available.value, 0),
          input.available.uom == 'EA' && round(input.available.value, 0) == input.available.value,
          'INVALID_QUANTITY', 'the level of ' + input.sku + ' is ' + format_decimal(input.available.value) + ' ' + input.available.uom + '; Walmart counts whole units')))
      CEL
    }
  }
}

# A SKU for the query string of /v3/inventory?sku=: url_escape, so every
# character a URL query gives a meaning to is percent-encoded (a space is
# "+", which Walmart reads as a space like any form decoder).
mapping "query_escape" {
  description = "A value escaped for a URL query (url_escape: all but letters, digits and -_.~ percent-encoded, a space as +)."
  input       = string
  value       = "url_escape(input)"
}
