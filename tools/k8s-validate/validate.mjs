// Validates every document of rendered manifests (a multi-document YAML file, or stdin) against the Kubernetes OpenAPI
// schemas compiled into kubernetes-models: types, required fields, enums and formats (quantity, int-or-string, ...).
// It does not reject unknown fields; the Java tests check those with client-java's generated models.
// Usage: node validate.mjs manifests.yaml   -> one JSON line per document: {"index", "kind", "name", "errors": [...]}
// Exit status: 0 when every document is valid, 1 when one is not, 2 on a usage or parse error.
import { readFileSync } from "node:fs";
import * as yaml from "js-yaml";

const modules = {
  "v1": "kubernetes-models/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
  "gateway.networking.k8s.io/v1": "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1",
};

async function modelOf(apiVersion, kind) {
  const path = modules[apiVersion] ?? `kubernetes-models/${apiVersion}`;
  try {
    const mod = await import(path);
    return mod[kind];
  } catch {
    return undefined;
  }
}

const text = readFileSync(process.argv[2] ?? 0, "utf8");
let docs;
try {
  docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
} catch (e) {
  console.error(`not YAML: ${e.message}`);
  process.exit(2);
}
let failed = false;
for (const [index, doc] of docs.entries()) {
  const kind = doc?.kind;
  const name = doc?.metadata?.name;
  const errors = [];
  const Model = await modelOf(doc?.apiVersion, kind);
  if (!Model) {
    errors.push(`no schema for apiVersion ${doc?.apiVersion} kind ${kind}`);
  } else {
    try {
      new Model(doc).validate();
    } catch (e) {
      for (const err of e.errors ?? [{ instancePath: "", message: e.message }]) {
        errors.push(`${err.instancePath || "/"} ${err.message}`);
      }
    }
  }
  failed ||= errors.length > 0;
  console.log(JSON.stringify({ index, kind, name, errors }));
}
process.exit(failed ? 1 : 0);
