import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AccountSessionsModule } from './account-sessions';
import { accountApiSchemas, AccountsModule } from './accounts';
import { partnerApiSchemas, PartnersModule } from './partners';
import { consentApiSchemas, ConsentCallbackModule, ConsentModule } from './consent';
import { controlApiSchemas, ControlModule } from './control';
import { BEARER_AUTH, errorApiSchemas, HEADER_AUTH, openApiSchemas } from './openapi';

/** Where the document is served, and the UI that renders it. */
export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_UI_PATH = '/docs';

/** Version of the API contract (the `/v1` of the paths), not of the service build. */
const API_VERSION = '1';

/**
 * The OpenAPI 3.0 document of the HTTP API, from the routes themselves (their decorators) and the
 * zod schemas that validate the bodies, which each module exports. Operational endpoints (health,
 * metrics) are left out: they are for probes and Prometheus, not for API clients.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Shelly Integrator Ingest API')
    .setDescription(
      'Consented Shelly devices and commands to them for partner systems, Shelly accounts linked ' +
        'through OAuth, API keys and consents for operators, and the consent callback for Shelly. Requests carry an API key as ' +
        '`Authorization: Bearer <key>` or `X-API-Key: <key>`. Every error is `{"code", "message"}` ' +
        'with a stable code.',
    )
    .setVersion(API_VERSION)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key, `sik_<id>_<secret>`.' },
      BEARER_AUTH,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key.' },
      HEADER_AUTH,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    include: [
      ControlModule,
      PartnersModule,
      ConsentModule,
      ConsentCallbackModule,
      AccountsModule,
      AccountSessionsModule,
    ],
  });
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...openApiSchemas([
        errorApiSchemas,
        controlApiSchemas,
        partnerApiSchemas,
        consentApiSchemas,
        accountApiSchemas,
      ]),
    },
  };
  return document;
}

/** Serves the document at /openapi.json and Swagger UI at /docs. */
export function serveOpenApi(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Shelly Integrator Ingest API',
  });
}
