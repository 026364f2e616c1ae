// The e2e engine's bridge: named after its owner, so a killed run's bridge is recognised and removed.
import { bridgeName, staleBridges } from "./engine";

test("the bridge name carries the owner's PID and fits Linux's 15 characters", () => {
  expect(bridgeName(1234)).toBe("bareos-e2eya");
  // pid_max on 64-bit Linux is 2^22.
  expect(bridgeName(4194304).length).toBeLessThanOrEqual(15);
  expect(parseInt(bridgeName(4194304).slice("bareos-e2e".length), 36)).toBe(4194304);
});

test("only our bridges whose owner is gone are stale", () => {
  const alive = new Set([1234, 777]);
  const links = [
    bridgeName(1234), // a live run
    bridgeName(4321), // a killed run
    "bareos-e2e0", // the fixed name of earlier versions
    "br-24a7c2f26f5a", // another engine's network
    "docker0",
    "bareos-e2e-other", // not one of ours
    `x${bridgeName(4321)}`,
  ];
  expect(staleBridges(links, (pid) => alive.has(pid))).toEqual([bridgeName(4321), "bareos-e2e0"]);
  expect(staleBridges(links, () => true)).toEqual(["bareos-e2e0"]);
});
