import { excludeDirectives, translateExclude } from "../../../../configs/excludes";
import { expectAccepted, expectRefused } from "../problems";

const withExclude = (exclude: string[], plugins: string[] = []) => ({
  fileSets: [{ name: "TestData", include: ["/data"], exclude, plugins }],
});

describe("excludes: each translated into the directive that does it", () => {
  it.each([
    ["/data/cache", { kind: "file", pattern: "/data/cache" }],
    ["/data/cache/", { kind: "wildDir", pattern: "/data/cache" }],
    ["*.tmp", { kind: "wild", pattern: "*.tmp" }],
    ["node_modules", { kind: "wild", pattern: "*/node_modules" }],
    ["node_modules/", { kind: "wildDir", pattern: "*/node_modules" }],
    ["~$*", { kind: "wild", pattern: "*/~$*" }],
    ["/data/*/cache/", { kind: "wildDir", pattern: "/data/*/cache" }],
    ["/data/[old]", { kind: "file", pattern: "/data/[[]old]" }],
    ["/data/[old]/*.log", { kind: "wild", pattern: "/data/[[]old]/*.log" }],
  ])("%s", (given, expected) => {
    expect(translateExclude(given)).toEqual(expected);
  });

  it("groups a fileset's excludes by directive", () => {
    expect(excludeDirectives(["/a", "*.b", "c/"])).toEqual({
      files: ["/a"],
      wild: ["*.b"],
      wildDir: ["*/c"],
    });
  });

  it.each([
    ["|/usr/bin/find /data", /starts with "\|": Bareos would run or read it/],
    ["</etc/exclude.list", /starts with "<"/],
    ["\\|cmd", /backslash/],
    ["~/cache", /home directories/],
    ["/data/../etc", /"\.\." segment/],
    ["*", /would exclude everything/],
    ["/", /would exclude everything/],
  ])("refuses %j", (given, message) => {
    expectRefused(
      withExclude([given]),
      "fileSets[0].exclude[0]",
      new RegExp(`${JSON.stringify(given).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} .*${message.source}`),
    );
  });

  it("refuses an absolute exclude outside every include", () => {
    expectRefused(
      withExclude(["/srv/cache"]),
      "fileSets[0].exclude[0]",
      /"\/srv\/cache" is outside every include/,
    );
    expectAccepted(withExclude(["/data/cache", "/data/*/tmp", "*.tmp"]));
  });
});

describe("includes and plugins", () => {
  it("refuses wildcards in includes: Bareos includes literal paths", () => {
    expectRefused(
      { fileSets: [{ name: "TestData", include: ["/data/*"] }] },
      "fileSets[0].include[0]",
      /has a wildcard/,
    );
  });

  it.each(["|/bin/sh -c id", "<  /etc/plugins", "\\\\|cmd", "no plugin"])(
    "refuses plugin line %j",
    (line) => {
      expectRefused(
        { fileSets: [{ name: "TestData", plugins: [line] }], jobs: [] },
        "fileSets[0].plugins[0]",
        /is not a plugin line/,
      );
    },
  );

  it("needs the plugin loaded by the job's client", () => {
    expectRefused(
      { fileSets: [{ name: "TestData", plugins: ["python3:module_name=x"] }] },
      "jobs[0].fileSet",
      /calls plugin "python3", which client "bareos-fd" does not load/,
    );
    expectAccepted({
      clients: [{ name: "bareos-fd", pluginDirectory: "/usr/lib/bareos/plugins", pluginNames: ["python3"] }],
      fileSets: [{ name: "TestData", plugins: ["python3:module_name=x"] }],
    });
  });
});
