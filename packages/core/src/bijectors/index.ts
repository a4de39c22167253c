// Barrel of the core bijectors.
