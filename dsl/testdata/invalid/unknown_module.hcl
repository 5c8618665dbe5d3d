import "shopp" {} # ERROR: Unknown module
