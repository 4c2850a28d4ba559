import { Command, InvalidArgumentError } from 'commander';
import { readVariables } from '../config';
import { ConsentLinkSigner, partnerConsentLink, partnerId, PartnerStore } from '../partners';
import { printJson, withPrisma } from './database-client';

export function parsePartnerId(value: string): string {
  const parsed = partnerId.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0].message);
  return parsed.data;
}

export function registerPartnerCommand(program: Command): void {
  const partner = program.command('partner').description('manage partners (needs DATABASE_URL)');
  partner
    .command('create')
    .description('create a partner')
    .requiredOption(
      '--id <id>',
      'names its Kafka topics and callback path; cannot change',
      parsePartnerId,
    )
    .requiredOption('--name <name>', 'its display name')
    .action((options: { id: string; name: string }) =>
      withPrisma(async (prisma) =>
        printJson(await new PartnerStore(prisma).create(options.id, options.name)),
      ),
    );
  partner
    .command('list')
    .description('list partners')
    .action(() => withPrisma(async (prisma) => printJson(await new PartnerStore(prisma).list())));
  partner
    .command('consent-link <id>')
    .description(
      'print the consent page URL the partner hands its users (also needs API_KEY_PEPPER, SHELLY_INTEGRATOR_TAG, CONSENT_CALLBACK_BASE_URL)',
    )
    .action((id: string) => {
      const v = readVariables(process.env, [
        'API_KEY_PEPPER',
        'SHELLY_INTEGRATOR_TAG',
        'CONSENT_CALLBACK_BASE_URL',
        'CONSENT_CALLBACK_PATH',
      ]);
      return withPrisma(async (prisma) => {
        const found = await new PartnerStore(prisma).get(parsePartnerId(id));
        printJson(
          partnerConsentLink(found.id, new ConsentLinkSigner(v.API_KEY_PEPPER), {
            integratorTag: v.SHELLY_INTEGRATOR_TAG,
            callbackBaseUrl: v.CONSENT_CALLBACK_BASE_URL || null,
            callbackPath: v.CONSENT_CALLBACK_PATH,
          }),
        );
      });
    });
}
