import { z } from 'zod';

/**
 * A module's request and response bodies, as zod schemas named for `components.schemas`: requests
 * are validated with the same schemas the document shows, and the response schemas are checked
 * against real answers in the tests. Each module exports its own; the root assembles the document.
 */
export interface ApiSchemas {
  /** What callers send: documented as accepted (`io: input`), so extra keys stay allowed where the API allows them. */
  requests: Record<string, z.ZodType>;
  /** What the API answers: documented exactly as produced (`io: output`), no other keys. */
  responses: Record<string, z.ZodType>;
}

/** A reference to the schema of that name in the document's `components.schemas`. */
export function schemaRef(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * The schemas as OpenAPI 3.0 schema objects, referring to each other by `$ref`. A discriminated
 * union of named schemas gets its `discriminator`, so that clients pick the variant by its tag.
 */
export function openApiSchemas(
  sets: readonly ApiSchemas[],
): Record<string, Record<string, unknown>> {
  const requests = Object.assign({}, ...sets.map((set) => set.requests)) as ApiSchemas['requests'];
  const responses = Object.assign(
    {},
    ...sets.map((set) => set.responses),
  ) as ApiSchemas['responses'];
  const named = { ...requests, ...responses };
  const result = { ...toOpenApi(requests, 'input'), ...toOpenApi(responses, 'output') };
  for (const [name, schema] of Object.entries(named)) {
    const discriminator = discriminatorOf(schema, named);
    if (discriminator) result[name] = { ...result[name], discriminator };
  }
  return result;
}

function discriminatorOf(
  schema: z.ZodType,
  named: Record<string, z.ZodType>,
): { propertyName: string; mapping: Record<string, string> } | undefined {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return undefined;
  const propertyName = schema.def.discriminator;
  const mapping: Record<string, string> = {};
  for (const option of schema.options as z.ZodObject[]) {
    const name = Object.entries(named).find(([, candidate]) => candidate === option)?.[0];
    const tag = (option.shape[propertyName] as z.ZodLiteral).value;
    if (name === undefined) return undefined;
    mapping[String(tag)] = schemaRef(name).$ref;
  }
  return { propertyName, mapping };
}

function toOpenApi(
  schemas: Record<string, z.ZodType>,
  io: 'input' | 'output',
): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io,
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  const result: Record<string, Record<string, unknown>> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const { $id: _id, ...rest } = schema as Record<string, unknown>;
    result[id] = rest;
  }
  return result;
}
