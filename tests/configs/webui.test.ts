import { CONFIGURATION_INI, DIRECTORS_INI, renderWebui } from "../../configs/webui";
import { file, render, settingsFrom } from "./fixtures";

/** PHP ini sections -> key -> raw value. */
function ini(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      out[section] = {};
      continue;
    }
    const kv = /^([a-z_]+) = (.*)$/.exec(line);
    if (kv) out[section][kv[1]] = kv[2];
  }
  return out;
}

describe("webui configuration", () => {
  it("writes directors.ini and configuration.ini, readable by the group", () => {
    const { out } = render();
    expect(Object.keys(out.webui)).toEqual([CONFIGURATION_INI, DIRECTORS_INI]);
    expect(CONFIGURATION_INI).toBe("/etc/bareos-webui/configuration.ini");
    expect(DIRECTORS_INI).toBe("/etc/bareos-webui/directors.ini");
    for (const f of Object.values(out.webui)) expect(f.mode).toBe(0o640);
  });

  it("offers one director, reached by its container name without TLS", () => {
    const { out } = render({ director: { name: "main-dir" } });
    expect(ini(file(out.webui, DIRECTORS_INI))).toEqual({
      "main-dir": {
        enabled: '"yes"',
        diraddress: '"bareos-dir"',
        dirport: "9101",
        catalog: '"MyCatalog"',
        tls_verify_peer: "false",
        server_can_do_tls: "false",
        server_requires_tls: "false",
        client_can_do_tls: "false",
        client_requires_tls: "false",
      },
    });
  });

  it("writes Bareos' shipped defaults into configuration.ini", () => {
    const sections = ini(file(renderWebui(settingsFrom()), CONFIGURATION_INI));
    expect(sections.session).toEqual({ timeout: "3600" });
    expect(sections.tables).toEqual({
      pagination_values: '"10,25,50,100"',
      pagination_default_value: "25",
      save_previous_state: "false",
    });
    expect(sections.dashboard.autorefresh_interval).toBe("60000");
  });

  it("comments with ';' only (PHP's ini syntax)", () => {
    const { out } = render();
    for (const f of Object.values(out.webui)) expect(f.content).not.toMatch(/^#/m);
  });
});
