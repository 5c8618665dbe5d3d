dialect = "expr"

# The positions (0, 1, 2, …) of the PO1 loops of an 850, so that the CEL
# mappings of this module can number lines that have no PO101 and price
# each line in its own currency: CEL's map() gives no index (cel-go's
# two-variable comprehensions are not enabled in Transload's environment),
# expr's map() does (#index). Written in expr for that reason alone.
mapping "po1_indexes" {
  input = "x12.850"
  value = "map(input.PO1, #index)"
}
