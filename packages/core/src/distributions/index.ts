// Barrel of base distributions.
