sink "ftp" "out" {} # ERROR: Unknown sink type
