import { DR_KIT_TARGET_FILE } from "../../configs/drKit";
import {
  CURL_CONFIG_PATH,
  RCLONE_CONFIG_PATH,
  S3CFG_PATH,
  rcloneProgramTimeout,
  renderS3Backend,
} from "../../configs/s3backend";
import {
  BUCKET,
  fakeSecrets,
  file,
  keyValues,
  render,
  resource,
  resourcesOf,
  settingsFrom,
  value,
} from "./fixtures";

const SD = "/etc/bareos/bareos-sd.d";

function deviceOptions(options: string): Record<string, string> {
  return Object.fromEntries(options.split(",").map((kv) => kv.split("=") as [string, string]));
}

describe("storage daemon tree", () => {
  it("holds the Storage, Director, Device and Messages resources, the curl config and the kit's rclone config", () => {
    const { out } = render();
    expect(Object.keys(out.storage)).toEqual([
      `${SD}/device/S3Storage.conf`,
      `${SD}/director/bareos-dir.conf`,
      `${SD}/messages/Standard.conf`,
      `${SD}/storage/bareos-sd.conf`,
      CURL_CONFIG_PATH,
      DR_KIT_TARGET_FILE,
      RCLONE_CONFIG_PATH,
    ]);
    // Where the uploader copies the recovery kit: the bucket's dr/ prefix through the rclone remote.
    expect(out.storage[DR_KIT_TARGET_FILE].content).toBe("bareos:test-bucket-0123/dr\n");
    const byType = resourcesOf(out.storage, "bareos-sd.d");
    for (const [type, names] of byType) {
      for (const [name] of names) expect(Object.keys(out.storage)).toContain(`${SD}/${type}/${name}.conf`);
    }
    expect(value(resource(out.storage, `${SD}/storage/bareos-sd.conf`), "Messages")).toBe("Standard");
  });

  it("agrees with the director's Storage resource on device, media type and password", () => {
    const { out } = render({ storage: { deviceName: "S3Dev", mediaType: "S3_Media" } });
    const dirStorage = resource(out.director, "/etc/bareos/bareos-dir.d/storage/S3Dev.conf");
    const device = resource(out.storage, `${SD}/device/S3Dev.conf`);
    const sdDirector = resource(out.storage, `${SD}/director/bareos-dir.conf`);
    expect(value(dirStorage, "Device")).toBe(value(device, "Name"));
    expect(value(dirStorage, "Media Type")).toBe(value(device, "Media Type"));
    expect(value(dirStorage, "Media Type")).toBe("S3_Media");
    expect(value(dirStorage, "Password")).toBe(value(sdDirector, "Password"));
    expect(value(dirStorage, "Address")).toBe("bareos-sd");
    expect(value(sdDirector, "Name")).toBe(
      value(resource(out.director, "/etc/bareos/bareos-dir.d/director/bareos-dir.conf"), "Name"),
    );
  });

  it("writes the S3 device like Bareos' examples, Archive Device quoted", () => {
    const { out } = render();
    const text = file(out.storage, `${SD}/device/S3Storage.conf`);
    expect(text).toContain('Archive Device = "S3 Object Storage"\n');
    const device = resource(out.storage, `${SD}/device/S3Storage.conf`);
    expect(value(device, "Archive Device")).toBe("S3 Object Storage");
    expect(
      ["Label Media", "Random Access", "Automatic Mount", "Removable Media", "Always Open"].map((k) =>
        value(device, k),
      ),
    ).toEqual(["yes", "yes", "yes", "no", "no"]);
    expect(value(device, "Maximum Concurrent Jobs")).toBe("1");
  });

  it("writes the SD's Maximum Concurrent Jobs on 22 only (deprecated since 24)", () => {
    for (const v of ["22", "24", "25"]) {
      const { out } = render({ bareosVersion: v, ...(v === "22" ? { s3: { backend: "droplet" } } : {}) });
      const storage = resource(out.storage, `${SD}/storage/bareos-sd.conf`);
      expect([v, value(storage, "Maximum Concurrent Jobs")]).toEqual([v, v === "22" ? "20" : undefined]);
    }
  });
});

describe("dplcompat backend with Bareos' s3cmd-wrapper.sh", () => {
  const s3cmd = { program: "s3cmd-wrapper.sh" };

  it("passes only options dplcompat and the s3cmd wrapper know, chunk size in plain bytes", () => {
    const { out } = render({
      s3: { ...s3cmd, chunkSize: "250 M", ioThreads: 4, ioSlots: 2, storageClass: "STANDARD_IA" },
      storage: { memoryLimit: "5 G" },
    });
    const device = resource(out.storage, `${SD}/device/S3Storage.conf`);
    expect(value(device, "Device Type")).toBe("dplcompat");
    const options = deviceOptions(value(device, "Device Options") ?? "");
    expect(options).toEqual({
      iothreads: "4",
      ioslots: "2",
      retries: "0",
      program: "s3cmd-wrapper.sh",
      s3cfg: S3CFG_PATH,
      bucket: BUCKET,
      chunksize: String(250 * 1024 * 1024),
      storage_class: "STANDARD_IA",
    });
    expect(options.chunksize).toMatch(/^\d+$/);
    expect(value(device, "Device Options")).not.toMatch(/profile=/);
  });

  it("gives any program but rclone-wrapper.sh the s3cmd wrapper's options", () => {
    const { out } = render({ s3: { program: "/opt/wrappers/my-wrapper.sh" } });
    const options = deviceOptions(
      value(resource(out.storage, `${SD}/device/S3Storage.conf`), "Device Options") ?? "",
    );
    expect([options.program, options.s3cfg]).toEqual(["/opt/wrappers/my-wrapper.sh", S3CFG_PATH]);
    // The rclone config stays, for the recovery kit's uploader and `npm run recover`.
    expect(Object.keys(out.storage)).toContain(RCLONE_CONFIG_PATH);
    // STANDARD is the bucket's default: not passed, since older wrappers reject unknown options.
    expect(options).not.toHaveProperty("storage_class");
  });

  it("writes an s3cmd config for AWS with regional virtual-host addressing, readable by its owner only", () => {
    const { out } = render({ s3: { ...s3cmd, region: "eu-central-1" } });
    expect(out.storage[S3CFG_PATH].mode).toBe(0o600);
    const text = file(out.storage, S3CFG_PATH);
    expect(text.split("\n")[0]).toBe("[default]");
    expect(keyValues(text)).toEqual({
      access_key: "AKIAEXAMPLE",
      secret_key: "secret/key+EXAMPLE",
      host_base: "s3.eu-central-1.amazonaws.com",
      host_bucket: "%(bucket)s.s3.eu-central-1.amazonaws.com",
      bucket_location: "eu-central-1",
      use_https: "True",
      signature_v2: "False",
    });
  });

  it("addresses the local MinIO path-style over plain HTTP", () => {
    const { out } = render({ s3: { ...s3cmd, provider: "minio", bucketName: "backups" } });
    const kv = keyValues(file(out.storage, S3CFG_PATH));
    expect(kv.host_base).toBe("minio:9000");
    expect(kv.host_bucket).toBe(kv.host_base);
    expect(kv.use_https).toBe("False");
  });

  it("uses an S3-compatible endpoint's host, scheme and addressing style", () => {
    const pathStyle = render({
      s3: {
        ...s3cmd,
        provider: "existing",
        bucketName: "bkt",
        endpoint: "http://ceph.local:7480",
        pathStyle: true,
      },
      s3AccessKeyId: "k",
      s3SecretAccessKey: "s",
    });
    const kv = keyValues(file(pathStyle.out.storage, S3CFG_PATH));
    expect([kv.host_base, kv.host_bucket, kv.use_https]).toEqual([
      "ceph.local:7480",
      "ceph.local:7480",
      "False",
    ]);
    const vhost = render({
      s3: { ...s3cmd, provider: "existing", bucketName: "bkt", endpoint: "https://s3.example.net" },
      s3AccessKeyId: "k",
      s3SecretAccessKey: "s",
    });
    const kv2 = keyValues(file(vhost.out.storage, S3CFG_PATH));
    expect([kv2.host_base, kv2.host_bucket, kv2.use_https]).toEqual([
      "s3.example.net",
      "%(bucket)s.s3.example.net",
      "True",
    ]);
  });

  it("refuses credentials or option values that would break their line", () => {
    const settings = settingsFrom({ s3: s3cmd });
    const secrets = { ...fakeSecrets(settings), s3SecretAccessKey: "a\nb" };
    expect(() => renderS3Backend(settings, secrets, BUCKET)).toThrow(/secret key/);
    expect(() => renderS3Backend(settings, fakeSecrets(settings), "a,b")).toThrow(/bucket/);
  });
});

describe("dplcompat backend with the project's rclone-wrapper.sh", () => {
  const rclone = { program: "rclone-wrapper.sh" };

  it("passes the options dplcompat and rclone-wrapper.sh know: chunk size and part limit in plain bytes", () => {
    const { out } = render({
      s3: { ...rclone, chunkSize: "250 M", ioThreads: 4, ioSlots: 2, storageClass: "STANDARD_IA" },
      storage: { memoryLimit: "5 G" },
    });
    const device = resource(out.storage, `${SD}/device/S3Storage.conf`);
    expect(value(device, "Device Type")).toBe("dplcompat");
    expect(deviceOptions(value(device, "Device Options") ?? "")).toEqual({
      iothreads: "4",
      ioslots: "2",
      retries: "0",
      program: "rclone-wrapper.sh",
      program_timeout: String(30 + 500),
      rclone_config: RCLONE_CONFIG_PATH,
      bucket: BUCKET,
      chunksize: String(250 * 1024 * 1024),
      max_part_size: String(250 * 1024 * 1024),
      storage_class: "STANDARD_IA",
    });
  });

  it("recognises the wrapper by its file name, also as an absolute path", () => {
    const { out } = render({ s3: { program: "/usr/local/lib/bareos/rclone-wrapper.sh" } });
    const options = deviceOptions(
      value(resource(out.storage, `${SD}/device/S3Storage.conf`), "Device Options") ?? "",
    );
    expect([options.program, options.rclone_config]).toEqual([
      "/usr/local/lib/bareos/rclone-wrapper.sh",
      RCLONE_CONFIG_PATH,
    ]);
    expect(Object.keys(out.storage)).not.toContain(S3CFG_PATH);
  });

  it("lets one whole chunk's PUT run at 0.5 MiB/s within the program timeout", () => {
    expect(rcloneProgramTimeout(10 * 1024 * 1024)).toBe(50);
    expect(rcloneProgramTimeout(100 * 1024 * 1024)).toBe(230);
    expect(rcloneProgramTimeout(100 * 1024 * 1024 + 1)).toBe(231);
  });

  it("writes an rclone remote [bareos] for AWS: regional endpoint from the region, readable by its owner only", () => {
    const { out } = render({ s3: { region: "eu-central-1" } });
    expect(out.storage[RCLONE_CONFIG_PATH].mode).toBe(0o600);
    const text = file(out.storage, RCLONE_CONFIG_PATH);
    expect(text.split("\n")[0]).toBe("[bareos]");
    expect(keyValues(text)).toEqual({
      type: "s3",
      provider: "AWS",
      env_auth: "false",
      access_key_id: "AKIAEXAMPLE",
      secret_access_key: "secret/key+EXAMPLE",
      region: "eu-central-1",
      force_path_style: "false",
      no_check_bucket: "true",
    });
  });

  it("addresses the local MinIO path-style over plain HTTP", () => {
    const { out } = render({ s3: { provider: "minio", bucketName: "backups" } });
    expect(keyValues(file(out.storage, RCLONE_CONFIG_PATH))).toMatchObject({
      provider: "Minio",
      endpoint: "http://minio:9000",
      region: "us-east-1",
      force_path_style: "true",
    });
  });

  it("uses an S3-compatible endpoint's scheme, host and addressing style; AWS when it has none", () => {
    const existing = (s3: Record<string, unknown>) =>
      keyValues(
        file(
          render({
            s3: { provider: "existing", bucketName: "bkt", ...s3 },
            s3AccessKeyId: "k",
            s3SecretAccessKey: "s",
          }).out.storage,
          RCLONE_CONFIG_PATH,
        ),
      );
    const ceph = existing({ endpoint: "http://ceph.local:7480", pathStyle: true });
    expect([ceph.provider, ceph.endpoint, ceph.force_path_style]).toEqual([
      "Other",
      "http://ceph.local:7480",
      "true",
    ]);
    const vhost = existing({ endpoint: "https://s3.example.net" });
    expect([vhost.provider, vhost.endpoint, vhost.force_path_style]).toEqual([
      "Other",
      "https://s3.example.net",
      "false",
    ]);
    const aws = existing({ region: "us-west-2" });
    expect([aws.provider, aws.endpoint, aws.region]).toEqual(["AWS", undefined, "us-west-2"]);
  });

  it("keeps two io-threads of two slots by default: it cannot write behind", () => {
    const options = deviceOptions(
      value(resource(render({ s3: rclone }).out.storage, `${SD}/device/S3Storage.conf`), "Device Options") ??
        "",
    );
    expect([options.iothreads, options.ioslots, options.write_behind]).toEqual(["2", "2", undefined]);
  });

  it("refuses credentials rclone's config parser would change", () => {
    const settings = settingsFrom({ s3: rclone });
    for (const bad of ["a\nb", " key", "key ", '"key', "'key", "`key"]) {
      const secrets = { ...fakeSecrets(settings), s3SecretAccessKey: bad };
      expect(() => renderS3Backend(settings, secrets, BUCKET)).toThrow(/secret key .* rclone config file/);
    }
    expect(() => renderS3Backend(settings, fakeSecrets(settings), "a,b")).toThrow(/bucket/);
  });
});

describe("dplcompat backend with the project's curl-wrapper.sh (the default)", () => {
  const options = (out: ReturnType<typeof render>["out"]) =>
    deviceOptions(value(resource(out.storage, `${SD}/device/S3Storage.conf`), "Device Options") ?? "");

  it("is the default, with 100 MiB chunks, no io-threads and two uploads written behind", () => {
    const { out } = render();
    expect(options(out)).toMatchObject({
      program: "curl-wrapper.sh",
      chunksize: String(100 * 1024 * 1024),
      iothreads: "0",
      ioslots: "1",
      write_behind: "2",
    });
    expect(options(out)).not.toHaveProperty("read_ahead");
  });

  it("passes the options curl-wrapper.sh declares, the bucket as a URL", () => {
    const { out } = render({
      s3: {
        program: "curl-wrapper.sh",
        chunkSize: "100 M",
        ioThreads: 0,
        ioSlots: 1,
        region: "eu-central-1",
      },
    });
    expect(options(out)).toEqual({
      iothreads: "0",
      ioslots: "1",
      retries: "0",
      program: "curl-wrapper.sh",
      program_timeout: "230",
      curl_config: CURL_CONFIG_PATH,
      base_url: `https://${BUCKET}.s3.eu-central-1.amazonaws.com`,
      chunksize: String(100 * 1024 * 1024),
      storage_class: "STANDARD",
      write_behind: "2",
    });
  });

  it("passes write_behind unless it is 0", () => {
    const on = render({ s3: { program: "curl-wrapper.sh", ioThreads: 1, ioSlots: 2, writeBehind: 5 } });
    expect(options(on.out).write_behind).toBe("5");
    const off = render({ s3: { program: "curl-wrapper.sh", writeBehind: 0 } });
    expect(options(off.out)).not.toHaveProperty("write_behind");
  });

  it("passes read_ahead unless it is off", () => {
    expect(options(render({ s3: { readAhead: true } }).out).read_ahead).toBe("1");
    expect(options(render({ s3: { readAhead: false } }).out)).not.toHaveProperty("read_ahead");
  });

  it("addresses a path-style store by its endpoint and the bucket's path", () => {
    const { out } = render({
      s3: {
        program: "/opt/curl-wrapper.sh",
        provider: "existing",
        bucketName: BUCKET,
        endpoint: "http://s3.example.net:9000",
        pathStyle: true,
      },
      s3AccessKeyId: "AKIAEXAMPLE",
      s3SecretAccessKey: "example-secret",
    });
    expect(options(out).base_url).toBe(`http://s3.example.net:9000/${BUCKET}`);
  });

  it("writes the credentials and signing scope as a curl config readable by its owner only", () => {
    const { out, settings } = render({ s3: { program: "curl-wrapper.sh", region: "eu-west-3" } });
    const secrets = fakeSecrets(settings);
    expect(out.storage[CURL_CONFIG_PATH].mode).toBe(0o600);
    expect(file(out.storage, CURL_CONFIG_PATH)).toBe(
      `user = "${secrets.s3AccessKeyId}:${secrets.s3SecretAccessKey}"\naws-sigv4 = "aws:amz:eu-west-3:s3"\n`,
    );
  });

  it("refuses credentials curl's config syntax would change", () => {
    const settings = settingsFrom({ s3: { program: "curl-wrapper.sh" } });
    for (const bad of ['a"b', "a\\b", "a\nb"]) {
      const secrets = { ...fakeSecrets(settings), s3SecretAccessKey: bad };
      expect(() => renderS3Backend(settings, secrets, BUCKET)).toThrow(/secret key .* credential file/);
    }
  });
});

describe("droplet backend", () => {
  const droplet = { bareosVersion: "22", s3: { backend: "droplet", region: "eu-west-1" } };

  it("points the device at a .profile file with the bucket, plain-byte chunks and one job", () => {
    const { out } = render(droplet);
    const device = resource(out.storage, `${SD}/device/S3Storage.conf`);
    expect(value(device, "Device Type")).toBe("droplet");
    const options = deviceOptions(value(device, "Device Options") ?? "");
    expect(options.profile).toMatch(/^\/etc\/bareos\/bareos-sd\.d\/device\/droplet\/[^/]+\.profile$/);
    expect(options).toMatchObject({
      bucket: BUCKET,
      chunksize: String(10 * 1024 * 1024),
      retries: "0",
      storageclass: "STANDARD",
    });
    expect(Object.keys(options).sort()).toEqual([
      "bucket",
      "chunksize",
      "ioslots",
      "iothreads",
      "profile",
      "retries",
      "storageclass",
    ]);
    expect(value(device, "Maximum Concurrent Jobs")).toBe("1");
    expect(Object.keys(out.storage)).toContain(options.profile);
    expect(Object.keys(out.storage)).not.toContain(S3CFG_PATH);
  });

  it("writes a comment-free droplet profile for the regional AWS host, owner-readable only", () => {
    const { out } = render(droplet);
    const [path] = Object.keys(out.storage).filter((p) => p.endsWith(".profile"));
    expect(out.storage[path].mode).toBe(0o600);
    const text = file(out.storage, path);
    expect(text).not.toContain("#");
    expect(keyValues(text)).toEqual({
      host: "s3.eu-west-1.amazonaws.com",
      use_https: "true",
      access_key: '"AKIAEXAMPLE"',
      secret_key: '"secret/key+EXAMPLE"',
      aws_auth_sign_version: "4",
      aws_region: "eu-west-1",
      backend: "s3",
      pricing_dir: '""',
    });
  });

  it("refuses storage classes libdroplet does not know, at settings time", () => {
    expect(() =>
      settingsFrom({ bareosVersion: "22", s3: { backend: "droplet", storageClass: "GLACIER_IR" } }),
    ).toThrow(/bareos-s3-backup:s3\.storageClass: "GLACIER_IR" is not supported by the droplet backend/);
  });
});
