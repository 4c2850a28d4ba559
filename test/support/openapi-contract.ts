import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The committed OpenAPI document (the served one is checked to equal it). */
export const openApiPath = resolve(__dirname, '../../src/openapi/openapi.json');

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * Problems of `value` against one of the document's `components.schemas` (empty when it
 * conforms). OpenAPI 3.0 schemas with `nullable`, checked by Ajv's OpenAPI support.
 */
export function openApiProblems(schemaName: string, value: unknown): string[] {
  if (!ajv) {
    const document = JSON.parse(readFileSync(openApiPath, 'utf8')) as { components: object };
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // The whole document under one id, so that its `#/components/...` references resolve.
    ajv.addSchema({ components: document.components }, 'openapi');
  }
  let validate = compiled.get(schemaName);
  if (!validate) {
    validate = ajv.getSchema(`openapi#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`no schema ${schemaName} in the OpenAPI document`);
    compiled.set(schemaName, validate);
  }
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
