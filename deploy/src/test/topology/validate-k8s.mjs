// Validates Kubernetes objects against the API's OpenAPI schemas, as compiled into the kubernetes-models package.
// Input: a JSON file holding an array of objects. Output: one line per object, "ok <kind>/<name>" or
// "invalid <kind>/<name>: <what>"; exit status 1 when any is invalid or of a kind the package does not know.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = false;
for (const object of objects) {
  const id = `${object.kind}/${object.metadata?.name}`;
  const apiVersion = String(object.apiVersion ?? "");
  let model;
  try {
    model = (await import(`kubernetes-models/${apiVersion}/${object.kind}`))[object.kind];
  } catch (e) {
    console.log(`invalid ${id}: no schema for apiVersion ${apiVersion} kind ${object.kind}`);
    failed = true;
    continue;
  }
  try {
    new model(object).validate();
    console.log(`ok ${id}`);
  } catch (e) {
    console.log(`invalid ${id}: ${String(e.message).replace(/\s+/g, " ")}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
