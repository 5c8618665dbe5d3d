dialect = "expr"

# The positions (0, 1, 2, …) of the PO1 loops of an 850, so that the CEL
# mappings of this module can number lines that have no PO101 and price
# each line in its own currency. Written in expr, whose map() has #index;
# in CEL the same is input.PO1.transformList(i, p, i).
mapping "po1_indexes" {
  input = "x12.850"
  value = "map(input.PO1, #index)"
}
