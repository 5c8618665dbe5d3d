import "netsuite" {}
import "sap" {}
import "d365" {}
import "business_central" {}
import "oracle" {}
import "infor" {}

# What the ERP sends back: shipments, invoices and stock, each as the ERP
# writes it (the variable erp decides which document type and format the
# flows read, checked at load against that ERP's schema), turned into the
# canonical document by the ERP's module and routed to the channel that
# sold the order. Point the ERP's event mechanism (a NetSuite user event
# script, an SAP Event Mesh or BTP relay, Business Central webhooks with a
# relay that GETs the record, Dynamics business events, Oracle business
# events, an Infor ION document flow) at the webhooks, or drop the
# documents in the folders.

flow "erp_shipments" {
  description = "ERP shipments (fulfillments, deliveries, packing slips) back to the channel that sold the order."
  priority    = "critical"
  schema = (
    var.erp == "netsuite" ? netsuite.ItemFulfillment :
    var.erp == "sap" ? sap.A_OutbDeliveryHeader :
    var.erp == "d365" ? d365.PackingSlip :
    var.erp == "business_central" ? business_central.SalesShipment :
    var.erp == "oracle" ? oracle.ShipmentLines :
    infor.ShipmentBOD
  )
  format = var.erp == "infor" ? "xml" : "json"

  source "http" {
    path    = "/webhooks/erp_shipments"
    verify  = "api_key"
    secrets = [env("ERP_EVENTS_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/erp_shipments"
  }

  map "canonical" {
    mapping = (
      var.erp == "netsuite" ? netsuite.shipment :
      var.erp == "sap" ? sap.shipment :
      var.erp == "d365" ? d365.shipment :
      var.erp == "business_central" ? business_central.shipment :
      var.erp == "oracle" ? oracle.shipment :
      infor.shipment
    )
  }

  dedupe "shipment" {
    key       = "'shipment:' + canonical.?channel.orValue('') + ':' + canonical.id"
    on_change = "update"
  }

  # EDI partners get an 856; the marketplaces their own confirmation
  # (channel_shipments filters the channels that take none).
  route "back" {
    case "edi" {
      when = "canonical.?channel.orValue('') == 'edi_x12'"
      to   = [flow.edi_asn]
    }
    default {
      to = [flow.channel_shipments]
    }
  }
}

flow "erp_invoices" {
  description = "ERP invoices to the trading partners that take them (X12 810); the others to the outbox."
  schema = (
    var.erp == "netsuite" ? netsuite.Invoice :
    var.erp == "sap" ? sap.A_BillingDocument :
    var.erp == "d365" ? d365.SalesInvoice :
    var.erp == "business_central" ? business_central.SalesInvoice :
    var.erp == "oracle" ? oracle.ReceivablesInvoice :
    infor.InvoiceBOD
  )
  format = var.erp == "infor" ? "xml" : "json"

  source "http" {
    path    = "/webhooks/erp_invoices"
    verify  = "api_key"
    secrets = [env("ERP_EVENTS_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/erp_invoices"
  }

  map "canonical" {
    mapping = (
      var.erp == "netsuite" ? netsuite.invoice :
      var.erp == "sap" ? sap.invoice :
      var.erp == "d365" ? d365.invoice :
      var.erp == "business_central" ? business_central.invoice :
      var.erp == "oracle" ? oracle.invoice :
      infor.invoice
    )
  }

  dedupe "invoice" {
    key       = "'invoice:' + canonical.id"
    on_change = "update"
  }

  # Marketplaces take no invoices; a B2B portal reads them from the
  # outbox (or a sink of its own).
  route "back" {
    case "edi" {
      when = "canonical.?channel.orValue('') == 'edi_x12'"
      to   = [flow.edi_invoice]
    }
    default {
      to = [sink.outbox]
    }
  }
}

flow "erp_inventory" {
  description = "ERP stock levels to the channels (channel_inventory decides which)."
  priority    = "bulk"
  schema = (
    var.erp == "netsuite" ? netsuite.InventoryItem :
    var.erp == "sap" ? sap.A_MatlStkInAcctMod :
    var.erp == "d365" ? d365.WarehouseOnHand :
    var.erp == "business_central" ? business_central.Item :
    var.erp == "oracle" ? oracle.AvailableQuantityDetail :
    infor.InventoryCountBOD
  )
  format = var.erp == "infor" ? "xml" : "json"

  source "http" {
    path    = "/webhooks/erp_inventory"
    verify  = "api_key"
    secrets = [env("ERP_EVENTS_WEBHOOK_KEY")]
  }

  source "file" {
    dir = "inbox/erp_inventory"
  }

  # One ERP document may hold several levels (every location of a
  # NetSuite item, every line of an Infor count).
  map "levels" {
    mapping = (
      var.erp == "netsuite" ? netsuite.inventory_levels :
      var.erp == "sap" ? sap.inventory_levels :
      var.erp == "d365" ? d365.inventory_levels :
      var.erp == "business_central" ? business_central.inventory_levels :
      var.erp == "oracle" ? oracle.inventory_levels :
      infor.inventory_levels
    )
  }

  split "level" {
    items = "levels"
    key   = "level.?sku.or(level.?item_id).orValue('') + '@' + level.?location_id.orValue('')"
  }

  route "to_channels" {
    default {
      to = [flow.channel_inventory]
    }
  }
}
