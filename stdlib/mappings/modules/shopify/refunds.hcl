# Shopify refunds into canonical returns (commerce.Return).
#
# What it reads: the REST Admin refund (see refund.schema.json), bare as
# the refunds/create webhook sends it. The REST responses wrap it
# ({"refund": …}) or list several ({"refunds": […]}): the shopify_refunds
# flow splits those into one document per refund before it maps them.
#
# Conventions:
#   - Currency: a refund is in the currency the buyer was refunded in, the
#     currency of its refund transactions (the presentment currency; the
#     shop currency of a single-currency shop). Shopify gives the lines'
#     amounts in both currencies (*_set) but the money refunded only in the
#     buyer's, so that is the one currency in which the Return is exact.
#     When the shop currency differs it is kept in references.shop_currency.
#     A refund without transactions takes the currency of its lines.
#   - refund_total is the sum of the refund transactions that succeeded or
#     are pending (failed and errored ones moved no money). It is what the
#     buyer gets back, which is not always Σ lines + tax: shipping, duties,
#     fees and discrepancies are refunded through the transactions too.
#   - Lines: line_id is the order line refunded (line_item_id); quantity in
#     EA; amount is subtotal (after discounts, excluding tax) and tax is
#     total_tax, both left out in older payloads that do not give them.
#     restock is restock_type other than no_restock (cancel, return and
#     legacy_restock all put the items back); without restock_type, the
#     refund's restock flag.
#   - totals.tax is Σ line tax when every line gives it; totals.shipping is
#     the shipping_refund order adjustments, as a positive amount, when
#     there are any.

type "Refund" {
  schema      = "refund.schema.json"
  description = "A Shopify REST Admin refund (webhook body), or the {\"refund\": …} / {\"refunds\": […]} REST responses."
}

type "RefundPart" {
  schema      = "refund_part.schema.json"
  description = "A refund line with its refund's currency and restock flag: what shopify.refund_line reads."
}

# The currency of a refund: its first refund transaction's, else its first
# line's presentment currency, else (a refunds/calculate response) its own
# currency field.
mapping "refund_currency" {
  input  = Refund
  output = "string"
  value  = <<-CEL
    has(input.transactions) && input.transactions.exists(t, t.?kind.orValue('') == 'refund')
      ? input.transactions.filter(t, t.?kind.orValue('') == 'refund')[0].currency
      : has(input.refund_line_items) && size(input.refund_line_items) > 0 && has(input.refund_line_items[0].subtotal_set)
        ? input.refund_line_items[0].subtotal_set.presentment_money.currency_code
        : input.currency
  CEL
}

# One refund line, called as shopify.refund_line({'line': x, 'currency':
# c, 'restock': r}). Amounts from *_set.presentment_money (the refund's
# currency) when present, else from the plain numbers.
mapping "refund_line" {
  input  = RefundPart
  output = "commerce.ReturnLine"
  fields = {
    line_id  = "string(input.line.line_item_id)"
    sku      = "has(input.line.line_item) && input.line.line_item.?sku.orValue('') != '' ? optional.of(input.line.line_item.sku) : optional.none()"
    quantity = "qty(input.line.quantity, 'EA')"
    restock  = "has(input.line.restock_type) ? input.line.restock_type != 'no_restock' : input.restock"
    amount   = <<-CEL
      has(input.line.subtotal_set)
        ? optional.of(money(input.line.subtotal_set.presentment_money.amount, input.line.subtotal_set.presentment_money.currency_code))
        : has(input.line.subtotal) ? optional.of(money(input.line.subtotal, input.currency)) : optional.none()
    CEL
    tax      = <<-CEL
      has(input.line.total_tax_set)
        ? optional.of(money(input.line.total_tax_set.presentment_money.amount, input.line.total_tax_set.presentment_money.currency_code))
        : has(input.line.total_tax) ? optional.of(money(input.line.total_tax, input.currency)) : optional.none()
    CEL
  }
}

# A refund into a canonical return: see the conventions at the top.
mapping "refund" {
  input  = Refund
  output = "commerce.Return"
  fields = {
    id         = "string(input.id)"
    order_id   = "string(input.order_id)"
    channel    = "'shopify'"
    created_at = "input.?created_at.optMap(t, parse_time(t))"
    currency   = "currency_code(shopify.refund_currency(input))"
    lines      = "has(input.refund_line_items) ? input.refund_line_items.map(x, shopify.refund_line({'line': x, 'currency': shopify.refund_currency(input), ?'restock': input.?restock})) : []"
    totals = {
      refund_total = <<-CEL
        has(input.transactions)
          ? sum_money(input.transactions.filter(t, t.?kind.orValue('') == 'refund' && t.?status.orValue('') in ['success', 'pending']).map(t, money(t.amount, t.currency)), shopify.refund_currency(input))
          : money('0', shopify.refund_currency(input))
      CEL
      tax          = <<-CEL
        has(input.refund_line_items) && input.refund_line_items.all(x, has(x.total_tax_set) || has(x.total_tax))
          ? optional.of(sum_money(input.refund_line_items.map(x, has(x.total_tax_set)
              ? money(x.total_tax_set.presentment_money.amount, x.total_tax_set.presentment_money.currency_code)
              : money(x.total_tax, shopify.refund_currency(input))), shopify.refund_currency(input)))
          : optional.none()
      CEL
      shipping     = <<-CEL
        has(input.order_adjustments) && input.order_adjustments.exists(a, a.?kind.orValue('') == 'shipping_refund')
          ? optional.of(abs(sum_money(input.order_adjustments.filter(a, a.?kind.orValue('') == 'shipping_refund').map(a, money(a.amount, shopify.refund_currency(input))), shopify.refund_currency(input))))
          : optional.none()
      CEL
    }
    note       = "input.?note.orValue('') != '' ? optional.of(input.note) : optional.none()"
    references = <<-CEL
      {
        ?'admin_graphql_api_id': input.?admin_graphql_api_id,
        ?'processed_at': input.?processed_at,
        ?'shop_currency': has(input.refund_line_items) && size(input.refund_line_items) > 0 && has(input.refund_line_items[0].subtotal_set)
            && input.refund_line_items[0].subtotal_set.shop_money.currency_code != shopify.refund_currency(input)
          ? optional.of(input.refund_line_items[0].subtotal_set.shop_money.currency_code)
          : optional.none()
      }
    CEL
  }
}
