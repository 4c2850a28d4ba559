import { Controller, Get, INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import pino from 'pino';
import { HttpErrorFilter } from '../../src/common';
import { APP_CONFIG, type AppConfig } from '../../src/config';
import { ApiKeyGuard, Public, RequireScope } from '../../src/partners/api-key.guard';
import { LiveReplicas } from '../../src/common/live-replicas';
import { Metrics } from '../../src/observability/metrics';
import { ApiKeyStore } from '../../src/partners/api-key.store';

@Controller('unmarked')
class UnmarkedController {
  @Get()
  secret(): { leaked: true } {
    return { leaked: true };
  }
}

@Controller('marked')
class MarkedController {
  @Get('public')
  @Public()
  open(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('read')
  @RequireScope('read')
  read(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

/** The API-key guard on a real HTTP server, with routes of each kind and every key valid. */
class OneReplica extends LiveReplicas {
  count(): number {
    return 1;
  }
}

describe('routes are refused unless they declare a scope or public access', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const anyKeyReads = {
      authenticate: () => Promise.resolve({ id: 'k', scopes: ['read'], partnerId: null }),
    };
    const config = { apiKeys: { failuresPerIp: { ratePerSecond: 0, burst: 1 } } } as AppConfig;
    const module = await Test.createTestingModule({
      controllers: [UnmarkedController, MarkedController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ApiKeyStore, useValue: anyKeyReads },
        Metrics,
        { provide: LiveReplicas, useClass: OneReplica },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useValue: new HttpErrorFilter(pino({ level: 'silent' })) },
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app?.close());

  const get = async (path: string, key?: string) => {
    const response = await fetch(`${url}${path}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    return [response.status, await response.json()] as const;
  };

  it('refuses a route without a marker, even to a valid key', async () => {
    const refused = [403, { code: 'route_not_public', message: expect.any(String) }];
    expect(await get('/unmarked')).toEqual(refused);
    expect(await get('/unmarked', 'sik_valid')).toEqual(refused);
  });

  it('answers a public route without a key', async () => {
    expect(await get('/marked/public')).toEqual([200, { status: 'ok' }]);
  });

  it('answers a scoped route only to a key', async () => {
    expect(await get('/marked/read')).toEqual([
      401,
      expect.objectContaining({ code: 'api_key_missing' }),
    ]);
    expect(await get('/marked/read', 'sik_valid')).toEqual([200, { status: 'ok' }]);
  });
});
