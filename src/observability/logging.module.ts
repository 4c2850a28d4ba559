import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Logger } from 'pino';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export const InjectRootLogger = (): ParameterDecorator => Inject(ROOT_LOGGER);

const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/** Honours a caller's X-Request-Id when it is sane, otherwise makes one; echoes it on the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { logger, genReqId: requestId, customAttributeKeys: { reqId: 'requestId' } },
        }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
    };
  }
}
