import type { Mailer } from "../../ports/mailer.js";

/** Thrown by fault injection; retried like any transient failure. */
export class InjectedFaultError extends Error {
  override name = "InjectedFaultError";
}

/**
 * A mailer that fails a share of sends (chaos testing): the first half of that share before sending
 * anything, the second after the message went out, as an answer lost on the way.
 */
export function faultyMailer(real: Mailer, failureRate: number, random: () => number = Math.random): Mailer {
  if (failureRate <= 0) return real;
  return {
    send: async (message) => {
      const draw = random();
      if (draw < failureRate / 2) throw new InjectedFaultError(`Injected mail failure for ${message.id}: not sent`);
      const sent = await real.send(message);
      if (draw < failureRate)
        throw new InjectedFaultError(`Injected mail failure for ${message.id}: sent, answer lost`);
      return sent;
    },
  };
}
