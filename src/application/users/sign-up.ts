import type { PublicUser, SignUpBody } from "../../domain/users/user.js";
import { createUser, type UserDeps } from "./create-user.js";
import { DEFAULT_SIGN_UPS_PER_HOUR, makeSignUpThrottle } from "./sign-up-throttle.js";

/**
 * Creates a customer account; roles are never chosen by the client. Each sign-up counts against its
 * client address's hourly allowance first (an unknown address shares one allowance).
 */
export function makeSignUp(deps: UserDeps & { signUpsPerHour?: number }) {
  const takeSignUp = makeSignUpThrottle({ ...deps, perHour: deps.signUpsPerHour ?? DEFAULT_SIGN_UPS_PER_HOUR });
  return async (input: SignUpBody, clientAddress = "unknown"): Promise<PublicUser> => {
    await takeSignUp(clientAddress);
    return createUser(deps, { ...input, roles: ["customer"] });
  };
}
