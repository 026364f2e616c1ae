// docker.Network and docker.Volume, realized as the provider creates them (resource_docker_network.go,
// resource_docker_volume.go): only the inputs the program uses.
import { Handler, isNotFound } from "./handler";
import { InputSpec, list, str } from "./inputs";

const labelsOf = (v: unknown) =>
  Object.fromEntries(list<{ label: string; value: string }>(v).map((l) => [l.label, l.value]));
const ignoreMissing = (e: unknown) => {
  if (!isNotFound(e)) throw e;
};

export const networkHandler: Handler = {
  spec: { name: true, driver: true, labels: { label: true, value: true } } satisfies InputSpec,
  async create(_name, inputs, { docker }) {
    const network = await docker.createNetwork({
      Name: String(inputs.name),
      Driver: str(inputs.driver) ?? "bridge",
      Labels: labelsOf(inputs.labels),
      CheckDuplicate: true,
    });
    return { id: network.id, outputs: {} };
  },
  async delete(resource, { docker }) {
    await docker.getNetwork(resource.id).remove().catch(ignoreMissing);
  },
};

export const volumeHandler: Handler = {
  spec: { name: true, labels: { label: true, value: true } } satisfies InputSpec,
  async create(_name, inputs, { docker }) {
    const volume = await docker.createVolume({
      Name: String(inputs.name),
      Driver: "local",
      Labels: labelsOf(inputs.labels),
    });
    return { id: volume.name, outputs: {} };
  },
  async delete(resource, { docker }) {
    await docker.getVolume(resource.id).remove().catch(ignoreMissing);
  },
};
