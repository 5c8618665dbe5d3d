dialect = "python" # ERROR: Unknown dialect
