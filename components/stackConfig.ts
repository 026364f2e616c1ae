// The only place that reads Pulumi config: hands the raw values to the settings layer.
import * as pulumi from "@pulumi/pulumi";
import { Settings, SettingsError, parseSettings, rawFromPulumiConfig } from "../configs/settings";

/** `pulumi.runtime.isConfigSecret` exists at runtime but is marked internal in the type definitions. */
function configSecretCheck(): (fullKey: string) => boolean {
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean })
    .isConfigSecret;
  // Without it every secret key would be refused as "must be set as a secret": fail with the real cause.
  if (typeof isConfigSecret !== "function") {
    throw new pulumi.RunError(
      "@pulumi/pulumi has no runtime.isConfigSecret: cannot tell secret config apart",
    );
  }
  return isConfigSecret;
}

/**
 * The validated settings of the running stack. Invalid config ends the program before any resource
 * is registered, with every problem listed and no stack trace.
 */
export function loadSettings(projectDir: string): Settings {
  const raw = rawFromPulumiConfig(pulumi.runtime.allConfig(), configSecretCheck());
  try {
    return parseSettings(raw, { stack: pulumi.getStack(), projectDir });
  } catch (e) {
    if (e instanceof SettingsError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
