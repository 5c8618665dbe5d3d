# The order lines as an ERP gets them: what every ERP mapping (netsuite,
# sap, d365, business_central, oracle, infor) builds its lines from, so
# that kits, units and discounts follow one set of rules everywhere.
#
#   - Only open lines go to the ERP; cancelled ones count in no total.
#   - Kits follow the variable erp_kits: "kit" sends the kit line (its SKU
#     is a kit or assembly item in the ERP) and drops its components;
#     "components" sends the components instead, each with its share of
#     the kit's amounts, allocated by base quantity with allocate(), so
#     the shares add up to the kit's amounts to the cent.
#   - Units: the item and sales unit come from tables/erp_items.csv
#     (sku,item,uom,base_units: the ERP item, the unit it is sold in, and
#     how many base units one such unit holds). A SKU that is not there is
#     sent as itself in its base unit. A quantity that does not convert
#     into a whole number of that unit (7 EA into cases of 12) is
#     INVALID_QUANTITY: never rounded, never a fraction of a case.
#   - Discounts: with line_discounts, the discount no line carries (an
#     order-level coupon, an X12 heading allowance) is allocated over the
#     lines by their net amounts, to the cent; without, it stays with the
#     order (erp.order_discount) for an ERP with a header discount.
#   - Money is exact: amount = gross − discount on every line; rate is
#     gross / quantity rounded to 6 decimals, for display.

type "OrderInput" {
  schema      = "order_input.schema.json"
  description = "What every ERP's sales_order mapping reads: the canonical order and the message's correlation id."
}

type "LinesInput" {
  schema      = "lines_input.schema.json"
  description = "A canonical order and whether the ERP wants order-level discounts on the lines."
}

type "LinePart" {
  schema      = "line_part.schema.json"
  description = "One line with its amounts, before its item and unit are resolved."
}

type "ComponentInput" {
  schema      = "component_input.schema.json"
  description = "A canonical order and one of its kit components."
}

type "Line" {
  schema      = "line.schema.json"
  description = "One order line ready for an ERP."
}

# The discount no line and no shipping line carries: totals.discount less
# the open lines' and the shipping lines' own discounts.
mapping "order_discount" {
  input = commerce.Order
  value = <<-CEL
    input.totals.discount
      - sum_money(input.lines.filter(l, l.status == 'open' && has(l.discount)).map(l, l.discount), input.currency)
      - sum_money(has(input.shipping) ? input.shipping.filter(s, has(s.discount)).map(s, s.discount) : [], input.currency)
  CEL
}

# Σ shipping charges less their own discounts, and their tax: what an ERP
# with a single freight amount gets.
mapping "shipping_net" {
  input = commerce.Order
  value = "input.totals.shipping - sum_money(has(input.shipping) ? input.shipping.filter(s, has(s.discount)).map(s, s.discount) : [], input.currency)"
}

# A line's own amounts: gross is total + discount (total is already
# quantity × price − discount in the canonical model).
mapping "part" {
  input  = commerce.OrderLine
  output = "erp.LinePart"
  fields = {
    line     = "input"
    gross    = "input.total + input.?discount.orValue(money(0, input.total.currency))"
    discount = "input.?discount.orValue(money(0, input.total.currency))"
    tax      = "input.?tax"
  }
}

# The weight of a kit component in its kit: its base quantity, else its
# quantity.
mapping "component_weight" {
  input = commerce.OrderLine
  value = "input.?base_quantity.orValue(input.quantity).value"
}

# A kit component's part: its share of its kit's gross, discount and tax,
# allocated over the kit's open components by weight.
mapping "component_part" {
  input  = ComponentInput
  output = "erp.LinePart"
  value  = <<-CEL
    cel.bind(kit, erp.part(input.order.lines.filter(k, k.line_id == input.line.kit_parent)[0]),
    cel.bind(sib, input.order.lines.filter(c, c.status == 'open' && c.?kit_parent.orValue('') == input.line.kit_parent),
    cel.bind(w, sib.map(c, erp.component_weight(c)),
    cel.bind(at, sib.transformList(i, c, c.line_id == input.line.line_id, i)[0],
      {
        'line': input.line,
        'gross': allocate(kit.gross, w)[at],
        'discount': allocate(kit.discount, w)[at],
        ?'tax': kit.?tax.optMap(t, allocate(t, w)[at])
      }))))
  CEL
}

# The parts the ERP gets, before the order-level discount: open lines,
# kits resolved by vars.erp_kits.
mapping "parts" {
  input = LinesInput
  value = <<-CEL
    cel.bind(open, input.order.lines.filter(l, l.status == 'open'),
    cel.bind(kits, open.filter(c, has(c.kit_parent)).map(c, c.kit_parent),
      vars.erp_kits == 'components'
        ? open.filter(l, !(l.line_id in kits)).map(l, has(l.kit_parent)
            ? erp.component_part({'order': input.order, 'line': l})
            : erp.part(l))
        : open.filter(l, !has(l.kit_parent)).map(l, erp.part(l))))
  CEL
}

# The lines for an ERP, numbered from 1.
mapping "lines" {
  input = LinesInput
  value = <<-CEL
    cel.bind(parts, erp.parts(input),
    cel.bind(rest, erp.order_discount(input.order),
    cel.bind(extra,
      input.line_discounts && rest > money(0, input.order.currency) && size(parts) > 0
        ? allocate(rest, parts.map(p, p.gross - p.discount))
        : parts.map(p, money(0, input.order.currency)),
      parts.transformList(i, p, erp.line({
        'line': p.line, 'gross': p.gross, 'discount': p.discount + extra[i], ?'tax': p.?tax, 'position': i + 1
      })))))
  CEL
}

# The quantity of a line in the ERP item's sales unit.
mapping "quantity" {
  input = commerce.OrderLine
  value = <<-CEL
    cel.bind(base, input.?base_quantity.orValue(input.quantity),
    cel.bind(uom, lookup_value(tables.erp_items, input.sku, 'uom', ''),
      uom == '' ? base :
      cel.bind(per, decimal(lookup_value(tables.erp_items, input.sku, 'base_units', '1')),
      cel.bind(v, base.value / per,
        qty(require(v, round(v, 0) == v, 'INVALID_QUANTITY',
          'line ' + input.line_id + ': ' + format_decimal(base.value) + ' ' + base.uom + ' of ' + input.sku
            + ' is not a whole number of ' + uom + ' (' + format_decimal(per) + ' ' + base.uom + ' each, tables/erp_items.csv)'), uom)))))
  CEL
}

# One line: the ERP item, the quantity in its unit, exact amounts.
mapping "line" {
  input  = LinePart
  output = "erp.Line"
  fields = {
    line_id     = "input.line.line_id"
    position    = "input.?position"
    sku         = "input.line.sku"
    item        = "lookup_value(tables.erp_items, input.line.sku, 'item', input.line.sku)"
    description = "input.line.?description"
    quantity    = "erp.quantity(input.line)"
    rate        = "cel.bind(q, erp.quantity(input.line).value, q == decimal('0') ? decimal('0') : round(input.gross.amount / q, 6))"
    gross       = "input.gross"
    discount    = "input.discount"
    amount      = "input.gross - input.discount"
    tax         = "input.?tax"
    taxes       = "input.line.?taxes"
    kit_parent  = "input.line.?kit_parent"
    gtin        = "input.line.?gtin"
  }
}
