import type { Mailer } from "../../ports/mailer.js";

/** Thrown by fault injection; retried like any transient failure. */
export class InjectedFaultError extends Error {
  override name = "InjectedFaultError";
}

/** A mailer that fails a share of sends before sending anything (chaos testing). */
export function faultyMailer(real: Mailer, failureRate: number, random: () => number = Math.random): Mailer {
  if (failureRate <= 0) return real;
  return {
    send: async (message) => {
      if (random() < failureRate) throw new InjectedFaultError(`Injected mail failure for ${message.id}`);
      return real.send(message);
    },
  };
}
