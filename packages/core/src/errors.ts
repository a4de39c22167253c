/** Base class of every error the library raises on purpose; `code` names the kind of problem. */
export class BijectiveError extends Error {
  /** Creates an error with a machine-readable code and a message that names the problem. */
  constructor(
    readonly code: 'shape' | 'option' | 'registry' | 'value' | 'io' | 'numerics' | 'backend' | 'internal',
    message: string,
  ) {
    super(message);
    this.name = 'BijectiveError';
  }
}

/** A tensor or event shape that does not match what a component declared. */
export class ShapeError extends BijectiveError {
  /** Creates a shape error. */
  constructor(message: string) {
    super('shape', message);
    this.name = 'ShapeError';
  }
}

/** An option that is missing, of the wrong type or out of range. */
export class OptionError extends BijectiveError {
  /** Creates an option error. */
  constructor(message: string) {
    super('option', message);
    this.name = 'OptionError';
  }
}

/** An unknown or duplicate registry name. */
export class RegistryError extends BijectiveError {
  /** Creates a registry error. */
  constructor(message: string) {
    super('registry', message);
    this.name = 'RegistryError';
  }
}

/** Input values that cannot be used (NaN, Inf, out of the domain). */
export class ValueError extends BijectiveError {
  /** Creates a value error. */
  constructor(message: string) {
    super('value', message);
    this.name = 'ValueError';
  }
}
