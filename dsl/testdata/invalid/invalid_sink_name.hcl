sink "stdout" "my-out" {} # ERROR: Invalid sink name
