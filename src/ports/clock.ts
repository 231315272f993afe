export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new unique, roughly time-ordered id (lexicographically sortable). */
  next(): string;
  /** A new unguessable secret token (e.g. a guest's tracking token). */
  secret(): string;
}
