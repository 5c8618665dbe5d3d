# Shopify products into canonical products.
#
# What it reads: the REST Admin product (see product.schema.json), bare as
# the products/create and products/update webhooks send it (a flow unwraps
# {"product": …} with from = "input.?product.orValue(input)").
#
# Conventions: ids are strings; an empty SKU or barcode is left out. A
# variant's price is in the shop currency, which a product does not name:
# it is mapped only when presentment_prices holds exactly one price, equal
# to it (a shop selling in one currency), and left out otherwise rather
# than guessed. inventory_quantity (deprecated) is in EA and left out when
# negative (oversold), which the canonical quantity cannot express; the
# stock to trust is the inventory level of inventory_item_id. weight
# keeps its unit (g, kg, oz, lb as GRM, KGM, ONZ, LBR).

type "Product" {
  schema      = "product.schema.json"
  description = "A Shopify REST Admin product (webhook body), or the {\"product\": …} REST response."
}

# One variant: see the conventions above for price, stock and weight.
mapping "product_variant" {
  input  = Product.Variant
  output = "commerce.ProductVariant"
  fields = {
    id                 = "string(input.id)"
    sku                = "input.?sku.orValue('') != '' ? optional.of(input.sku) : optional.none()"
    title              = "input.?title"
    price              = <<-CEL
      has(input.price) && has(input.presentment_prices) && size(input.presentment_prices) == 1
        && has(input.presentment_prices[0].price) && decimal(input.presentment_prices[0].price.amount) == decimal(input.price)
        ? optional.of(money(input.price, input.presentment_prices[0].price.currency_code))
        : optional.none()
    CEL
    gtin               = "input.?barcode.orValue('') != '' ? optional.of(input.barcode) : optional.none()"
    inventory_item_id  = "input.?inventory_item_id.optMap(id, string(id))"
    inventory_quantity = "input.?inventory_quantity.orValue(-1) >= 0 ? optional.of(qty(input.inventory_quantity, 'EA')) : optional.none()"
    weight             = "has(input.weight) && has(input.weight_unit) ? optional.of(qty(input.weight, input.weight_unit)) : optional.none()"
  }
}

# A product with its variants, in the order Shopify lists them.
mapping "product" {
  input  = Product
  output = "commerce.Product"
  fields = {
    id         = "string(input.id)"
    title      = "input.title"
    vendor     = "input.?vendor.orValue('') != '' ? optional.of(input.vendor) : optional.none()"
    status     = "input.?status"
    created_at = "input.?created_at.optMap(t, parse_time(t))"
    variants   = "has(input.variants) ? input.variants.map(v, shopify.product_variant(v)) : []"
  }
}
