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
}

export type PublicUser = Omit<User, "passwordHash">;

export function publicUser({ passwordHash: _hash, ...user }: User): PublicUser {
  return user;
}

const email = z.email().max(254).toLowerCase();

/** Sign-up: a client never chooses its roles (strict: an extra `roles` field is refused). */
export const SignUpBody = z
  .strictObject({
    email,
    password: z.string().min(10, "Use at least 10 characters").max(200),
    name: z.string().trim().min(1).max(100),
  })
  .meta({ id: "SignUp" });
export type SignUpBody = z.infer<typeof SignUpBody>;

export const SignInBody = z.strictObject({ email, password: z.string().min(1).max(200) }).meta({ id: "SignIn" });
export type SignInBody = z.infer<typeof SignInBody>;
