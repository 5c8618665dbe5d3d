variable "0x" {} # ERROR: Invalid variable name
