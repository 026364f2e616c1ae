import { jsonObjects } from "../../scripts/ops/bconsole";

test("JSON answers are found among bconsole's other lines, pretty-printed, with braces in strings", () => {
  const out = `Connecting to Director localhost:9101\n.api 2\n{\n  "result": {\n    "api": 2\n  }\n}llist jobid=1\n{\n  "result": {\n    "jobs": [{ "job": "a{b}\\"c", "jobid": "1" }]\n  }\n}\nquit\n`;
  expect(jsonObjects(out)).toEqual([
    { result: { api: 2 } },
    { result: { jobs: [{ job: 'a{b}"c', jobid: "1" }] } },
  ]);
});
