/** Hashes passwords with a memory-hard KDF; the hash string carries its own parameters and salt. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}
