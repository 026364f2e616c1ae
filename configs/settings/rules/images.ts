// Images and the Docker host.
import type { Rule } from "./rule";

export const barcusNeedsBareos22: Rule = ({ raw }, report) => {
  if (raw.images.preset === "barcus-22" && raw.bareosVersion !== "22")
    report(
      ["images", "preset"],
      `"barcus-22" images run Bareos 22 only; set bareosVersion to "22" or use "build"`,
    );
};

export const imageRules: readonly Rule[] = [barcusNeedsBareos22];
