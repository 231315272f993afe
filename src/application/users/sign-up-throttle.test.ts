import { describe, expect, it } from "vitest";
import { clientKey } from "./sign-up-throttle.js";

describe("the client a sign-up is counted against", () => {
  it("is an IPv4 address with or without a port, and as an IPv4-mapped IPv6 address", () => {
    for (const form of ["203.0.113.5", "203.0.113.5:4321", "::ffff:203.0.113.5", " 203.0.113.5 "]) {
      expect(clientKey(form)).toBe("203.0.113.5");
    }
  });

  it("is an IPv6 address's /64 network, in any notation, with or without brackets, port or zone", () => {
    const network = "2001:db8:1:2::/64";
    for (const form of [
      "2001:db8:1:2::1",
      "2001:0DB8:0001:0002:ffff:1:2:3",
      "[2001:db8:1:2:aaaa::9]:443",
      "2001:db8:1:2::5%eth0",
    ]) {
      expect(clientKey(form)).toBe(network);
    }
    expect(clientKey("2001:db8:1:3::1")).not.toBe(network);
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
  });

  it("leaves what is not an address as it is", () => {
    expect(clientKey("unknown")).toBe("unknown");
    expect(clientKey("1:2:3")).toBe("1:2:3");
  });
});
