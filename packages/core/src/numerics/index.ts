// Barrel of host-side float64 numerics.
