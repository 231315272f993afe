import { z } from "zod";

/** Every role in one place; sellers run auctions. */
export const ROLES = ["customer", "maker", "courier", "seller", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  passwordHash: string;
  createdAt: string;
  /** How many times the password was reset (absent: never); a reset link is good for the version it was asked at. */
  passwordVersion?: number;
  passwordChangedAt?: string;
  /**
   * Bumped to end every session of the account at once (a password reset, "sign out everywhere");
   * absent counts as 0. A token is accepted only while it carries the account's current version.
   */
  sessionVersion?: number;
}

export type PublicUser = Omit<User, "passwordHash" | "passwordVersion" | "passwordChangedAt" | "sessionVersion">;

export function publicUser({
  passwordHash: _hash,
  passwordVersion: _version,
  passwordChangedAt: _changed,
  sessionVersion: _session,
  ...user
}: User): PublicUser {
  return user;
}

const email = z
  .email("Enter an e-mail address like ada@example.com")
  .max(254, "Use at most 254 characters")
  .toLowerCase();

/** Sign-up: a client never chooses its roles (strict: an extra `roles` field is refused). */
export const SignUpBody = z
  .strictObject({
    email,
    password: z.string().min(10, "Use at least 10 characters").max(200, "Use at most 200 characters"),
    name: z.string().trim().min(1, "Give your name").max(100, "Use at most 100 characters"),
  })
  .meta({ id: "SignUp" });
export type SignUpBody = z.infer<typeof SignUpBody>;

export const SignInBody = z.strictObject({ email, password: z.string().min(1).max(200) }).meta({ id: "SignIn" });
export type SignInBody = z.infer<typeof SignInBody>;
