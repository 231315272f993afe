/**
 * Stands in for an adapter this Lambda function has no settings (and no IAM permission) for: any call
 * fails with a message naming the missing setting, instead of a confusing AccessDenied from AWS.
 */
export function unconfigured<T extends object>(what: string, setting: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      // Not a thenable: `await unconfigured(...)` must not call `then`.
      if (property === "then") return undefined;
      return () => {
        throw new Error(`${what} is not configured for this function (it needs ${setting})`);
      };
    },
  });
}
