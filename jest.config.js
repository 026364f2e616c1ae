/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Jest 30's default globals cleanup warns on Pulumi's runtime globals; "on" crashed.
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Type-checking is `tsc --noEmit` in `npm test`; transpile-only keeps Jest fast.
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  testTimeout: 30000,
};
