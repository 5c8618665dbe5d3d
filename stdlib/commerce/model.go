package commerce

import (
	"github.com/transload/transload/builtin"
)

// Channels are the values of Order.channel. "b2b" is any other system
// that sends canonical documents itself: a B2B portal, a sales app.
var Channels = []string{"shopify", "amazon", "amazon_vendor", "walmart", "adobe_commerce", "bigcommerce", "edi_x12", "b2b"}

// ModelVersion is the version of the canonical model. Field names are a
// contract: a version never renames or removes one.
const ModelVersion = 1

func f(name string, t *builtin.Type, doc string) *builtin.Field {
	return &builtin.Field{Name: name, Type: t, Doc: doc}
}

func req(name string, t *builtin.Type, doc string) *builtin.Field {
	return &builtin.Field{Name: name, Type: t, Doc: doc, Required: true}
}

var (
	str   = builtin.StringType
	money = builtin.MoneyType
	qty   = builtin.QuantityType
	ts    = builtin.TimestampType
	dec   = builtin.DecimalType
	flag  = builtin.BoolType
	refs  = builtin.MapOf(builtin.StringType)
)

// Channel is the enum of sales channels.
var Channel = builtin.EnumType("commerce.Channel", Channels...)

// Address is a postal address.
var Address = builtin.ObjectType("commerce.Address",
	f("name", str, "Full name of the person."),
	f("company", str, "Company name."),
	f("line1", str, "First street line."),
	f("line2", str, "Second street line (suite, floor)."),
	f("line3", str, "Third street line, where the channel has one."),
	f("city", str, "City or town."),
	f("region", str, "State, province or county, as the channel gives it (a code where it gives one)."),
	f("postal_code", str, "Postal or ZIP code, as given."),
	req("country", str, "ISO 3166-1 alpha-2 country code (US, DE), converted from alpha-3 or names."),
	f("phone", str, "Phone number, as given."),
	f("email", str, "Email address."),
)

// Customer is the buyer.
var Customer = builtin.ObjectType("commerce.Customer",
	f("id", str, "The channel's customer id, if it has one."),
	f("email", str, "Email address."),
	f("name", str, "Full name."),
	f("first_name", str, "Given name."),
	f("last_name", str, "Family name."),
	f("phone", str, "Phone number."),
	f("company", str, "Company, for B2B buyers."),
	f("tax_id", str, "VAT or tax registration number."),
	f("references", refs, "Channel-specific identifiers (a buyer account number, a DUNS)."),
)

// TaxLine is one tax with its jurisdiction.
var TaxLine = builtin.ObjectType("commerce.TaxLine",
	req("title", str, "The tax's name as the channel gives it (\"State Tax\", \"VAT\")."),
	f("jurisdiction", str, "Where it applies: a code such as US-CA or DE when known."),
	f("rate", dec, "The rate as a decimal fraction (0.06 for 6%)."),
	req("amount", money, "The tax amount."),
)

// Discount is a discount applied to an order, a line or shipping.
var Discount = builtin.ObjectType("commerce.Discount",
	f("code", str, "The coupon or promotion code, if any."),
	f("title", str, "A description."),
	f("type", builtin.EnumType("commerce.DiscountType", "code", "manual", "automatic", "promotion"), "How it was applied."),
	f("target", builtin.EnumType("commerce.DiscountTarget", "order", "line", "shipping"), "What it reduces."),
	req("amount", money, "The discount, a positive amount."),
)

// OrderLine is one line of an order.
var OrderLine = builtin.ObjectType("commerce.OrderLine",
	req("line_id", str, "The channel's line id (the line number for EDI)."),
	req("sku", str, "The seller's SKU; for EDI the buyer's or vendor's item id the partner sent."),
	f("description", str, "The product's title or description."),
	req("quantity", qty, "The quantity as ordered, in the unit ordered (2 CS)."),
	f("base_quantity", qty, "The quantity in the item's base unit (24 EA): from the payload where it says (X12 PO4, Amazon Vendor unitSize), else from the item master."),
	req("unit_price", money, "Price per ordered unit, before discounts."),
	f("discount", money, "Discounts allocated to this line."),
	f("tax", money, "Tax on this line."),
	req("total", money, "quantity × unit_price − discount, excluding tax."),
	req("status", builtin.EnumType("commerce.LineStatus", "open", "cancelled"), "open, or cancelled (then it counts in no total)."),
	f("kit_parent", str, "For a kit component: the line_id of its kit."),
	f("product_id", str, "The channel's product id."),
	f("variant_id", str, "The channel's variant id."),
	f("gtin", str, "GTIN/UPC/EAN, if the channel gives one."),
	f("taxes", builtin.ListOf(TaxLine), "The line's taxes by jurisdiction."),
	f("references", refs, "Channel-specific line identifiers (buyer part number, ASIN)."),
)

// ShippingLine is one shipping charge.
var ShippingLine = builtin.ObjectType("commerce.ShippingLine",
	f("method", str, "The shipping method or service level."),
	f("carrier", str, "The carrier, if known."),
	req("amount", money, "The charge, before shipping discounts."),
	f("discount", money, "Discount on this charge."),
	f("tax", money, "Tax on this charge."),
)

// Totals are an order's totals. They reconcile:
// subtotal − discount + shipping + tax (unless taxes_included) = grand_total.
var Totals = builtin.ObjectType("commerce.Totals",
	req("subtotal", money, "Σ quantity × unit_price over open lines, before discounts."),
	req("discount", money, "All discounts: line, order and shipping."),
	req("shipping", money, "All shipping charges, before shipping discounts."),
	req("tax", money, "All taxes."),
	req("grand_total", money, "What the buyer pays, as the channel states it."),
)

// Order is a sales order from a channel.
var Order = builtin.ObjectType("commerce.Order",
	req("id", str, "The channel's order id, always a string (Shopify ids exceed 2^53)."),
	req("channel", Channel, "The sales channel."),
	req("status", builtin.EnumType("commerce.OrderStatus", "open", "cancelled", "closed"), "open, cancelled or closed."),
	req("placed_at", ts, "When the buyer placed the order."),
	req("currency", str, "ISO 4217 code of the amounts (the shop's currency)."),
	f("presentment_currency", str, "The currency the buyer saw, when it differs."),
	f("order_number", str, "The number people use (\"#1001\", a PO number)."),
	f("po_number", str, "The buyer's purchase order number (B2B, EDI)."),
	f("marketplace", str, "The marketplace or store within the channel (amazon.de, a Shopify shop)."),
	f("customer", Customer, "The buyer."),
	f("bill_to", Address, "Billing address."),
	f("ship_to", Address, "Shipping address."),
	req("lines", builtin.ListOf(OrderLine), "The lines, cancelled ones included."),
	f("shipping", builtin.ListOf(ShippingLine), "Shipping charges."),
	f("taxes", builtin.ListOf(TaxLine), "Taxes by jurisdiction, order level."),
	f("discounts", builtin.ListOf(Discount), "Discounts applied."),
	req("totals", Totals, "The totals."),
	f("taxes_included", flag, "True when prices include tax (then tax is not added to the grand total)."),
	f("notes", str, "The buyer's note."),
	f("ship_by", ts, "The latest ship date the channel requires."),
	f("references", refs, "Channel-specific facts kept for tracing: control numbers, marketplace ids."),
)

// ReturnLine is one returned or refunded line.
var ReturnLine = builtin.ObjectType("commerce.ReturnLine",
	req("line_id", str, "The order line refunded."),
	f("sku", str, "The SKU, when the channel says."),
	req("quantity", qty, "The quantity returned, in the ordered unit."),
	f("base_quantity", qty, "In the item's base unit."),
	req("restock", flag, "Whether the items go back to stock."),
	f("amount", money, "The refund for this line, excluding tax."),
	f("tax", money, "The tax refunded for this line."),
	f("reason", str, "The return reason, as given."),
)

// ReturnTotals are a return's totals.
var ReturnTotals = builtin.ObjectType("commerce.ReturnTotals",
	req("refund_total", money, "The amount refunded to the buyer."),
	f("tax", money, "Tax refunded."),
	f("shipping", money, "Shipping refunded."),
)

// Return is a refund or a return of goods.
var Return = builtin.ObjectType("commerce.Return",
	req("id", str, "The channel's refund or return id."),
	req("order_id", str, "The order it refers to."),
	req("channel", Channel, "The sales channel."),
	f("created_at", ts, "When it was created."),
	req("currency", str, "ISO 4217 code of the amounts."),
	req("lines", builtin.ListOf(ReturnLine), "The lines (empty for a refund of shipping or an amount only)."),
	req("totals", ReturnTotals, "The totals."),
	f("note", str, "The reason or note."),
	f("references", refs, "Channel-specific facts."),
)

// InventoryLevel is the available quantity of an item at a location.
var InventoryLevel = builtin.ObjectType("commerce.InventoryLevel",
	f("sku", str, "The SKU (or item_id when the channel identifies items otherwise)."),
	f("item_id", str, "The channel's or ERP's item id (a Shopify inventory_item_id, an FNSKU)."),
	f("location_id", str, "The location or warehouse id."),
	req("available", qty, "The quantity available to sell."),
	f("reserved", qty, "Quantity reserved for open orders, where known."),
	f("updated_at", ts, "When the level was last updated."),
	f("channel", str, "Where the level comes from (a channel name or \"erp\")."),
)

// ProductVariant is one sellable variant of a product.
var ProductVariant = builtin.ObjectType("commerce.ProductVariant",
	req("id", str, "The variant id."),
	f("sku", str, "The SKU."),
	f("title", str, "The variant's title."),
	f("price", money, "The price."),
	f("gtin", str, "GTIN/UPC/EAN."),
	f("inventory_item_id", str, "The inventory item that tracks its stock."),
	f("inventory_quantity", qty, "Stock, where the channel reports it on the variant."),
	f("weight", qty, "Weight, in a Rec 20 unit (KGM, GRM, LBR)."),
)

// Product is a product with its variants.
var Product = builtin.ObjectType("commerce.Product",
	req("id", str, "The product id."),
	req("title", str, "The title."),
	f("vendor", str, "The brand or vendor."),
	f("status", str, "active, draft or archived, as the channel says."),
	f("created_at", ts, "When it was created."),
	req("variants", builtin.ListOf(ProductVariant), "The variants."),
)

// Tracking is one tracking number.
var Tracking = builtin.ObjectType("commerce.Tracking",
	req("number", str, "The tracking number."),
	f("carrier", str, "The carrier."),
	f("url", str, "The tracking URL."),
)

// ShipmentLine is one shipped line.
var ShipmentLine = builtin.ObjectType("commerce.ShipmentLine",
	f("line_id", str, "The order line shipped."),
	req("sku", str, "The SKU."),
	req("quantity", qty, "The quantity shipped."),
	f("base_quantity", qty, "In the item's base unit."),
	f("gtin", str, "GTIN/UPC."),
	f("references", refs, "The buyer's line identifiers (buyer part number, ASIN), as on the order line: an 856 sent without its order identifies the item by them."),
)

// Carton is one package of a shipment.
var Carton = builtin.ObjectType("commerce.Carton",
	f("id", str, "The carton's label id, such as an SSCC-18."),
	f("weight", qty, "Its weight."),
	f("tracking", str, "Its tracking number."),
	req("lines", builtin.ListOf(ShipmentLine), "What it holds."),
)

// Shipment is a shipment (an ASN for EDI).
var Shipment = builtin.ObjectType("commerce.Shipment",
	req("id", str, "The shipment id (ASN number, fulfillment id)."),
	f("order_id", str, "The order shipped, when one."),
	f("channel", str, "The channel of the order."),
	f("status", str, "The shipment status as given."),
	f("shipped_at", ts, "When it left."),
	f("carrier", str, "The carrier."),
	f("service", str, "The service level."),
	f("tracking", builtin.ListOf(Tracking), "Tracking numbers."),
	f("ship_from", Address, "Origin."),
	f("ship_to", Address, "Destination."),
	f("cartons", builtin.ListOf(Carton), "Packages, when known."),
	req("lines", builtin.ListOf(ShipmentLine), "The lines shipped (all cartons together)."),
	f("references", refs, "Facts for tracing: the ERP document number, control numbers."),
)

// InvoiceLine is one invoiced line.
var InvoiceLine = builtin.ObjectType("commerce.InvoiceLine",
	req("line_id", str, "The order line invoiced."),
	req("sku", str, "The SKU."),
	f("description", str, "The description."),
	req("quantity", qty, "The quantity invoiced."),
	req("unit_price", money, "Price per unit."),
	f("discount", money, "Discount on the line."),
	f("tax", money, "Tax on the line."),
	req("total", money, "quantity × unit_price − discount, excluding tax."),
	f("references", refs, "The buyer's line identifiers (buyer part number, ASIN), as on the order line: an 810 sent without its order identifies the item by them."),
)

// Invoice is an invoice for an order.
var Invoice = builtin.ObjectType("commerce.Invoice",
	req("id", str, "The invoice number."),
	f("order_id", str, "The order invoiced."),
	f("po_number", str, "The buyer's PO number."),
	f("channel", str, "The channel of the order."),
	req("invoice_date", ts, "The invoice date."),
	f("due_date", ts, "When payment is due."),
	req("currency", str, "ISO 4217 code."),
	f("customer", Customer, "The buyer."),
	f("bill_to", Address, "Billing address."),
	f("ship_to", Address, "Shipping address."),
	req("lines", builtin.ListOf(InvoiceLine), "The lines."),
	f("taxes", builtin.ListOf(TaxLine), "Taxes by jurisdiction."),
	f("shipping", money, "Shipping charged."),
	req("totals", Totals, "The totals (grand_total is the amount due)."),
	f("terms", str, "Payment terms, as text (\"2% 10, net 30\")."),
	f("references", refs, "Facts for tracing."),
)

// Types returns the named types of the canonical model, to predeclare in a
// load (Options.Types).
func Types() *builtin.Types {
	ts := builtin.NewTypes()
	for _, t := range Documents() {
		if err := ts.Add(t); err != nil {
			panic(err)
		}
	}
	return ts
}

// Documents are the top-level documents of the model, in the order the
// reference docs present them.
func Documents() []*builtin.Type {
	return []*builtin.Type{Order, Return, InventoryLevel, Product, Shipment, Invoice, Customer}
}
