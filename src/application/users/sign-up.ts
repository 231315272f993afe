import type { PublicUser, SignUpBody } from "../../domain/users/user.js";
import { createUser, type UserDeps } from "./create-user.js";

/** Creates a customer account; roles are never chosen by the client. */
export function makeSignUp(deps: UserDeps) {
  return (input: SignUpBody): Promise<PublicUser> => createUser(deps, { ...input, roles: ["customer"] });
}
