dialect = "expr"

# The HL numbers of an 856 with cartons: HL 1 is the shipment, HL 2 the
# order, then each carton's pack level followed by its items, so carton k
# is numbered 3 + k + the number of items in the cartons before it. Also
# the number of HL segments and the sum of the shipped quantities, for
# CTT. Written in expr because the numbering needs running sums (reduce),
# which CEL as configured here cannot express without a loop inside a
# loop, and CEL's cost estimate of that, over lists of an unknown size,
# exceeds what an expression may cost.
mapping "asn_plan" {
  input = "x12.AsnInput"
  value = <<-EXPR
    let cartons = input.shipment.cartons ?? [];
    let counts = map(cartons, len(#.lines));
    let items = len(cartons) > 0 ? flatten(map(cartons, #.lines)) : input.shipment.lines;
    {
      "packs": map(cartons, 3 + #index + sum(counts[:#index])),
      "hl_count": 2 + len(cartons) + len(items),
      "hash": format_decimal(sum_decimal(map(items, #.quantity.value)))
    }
  EXPR
}
