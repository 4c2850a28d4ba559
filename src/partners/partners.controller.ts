import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError, parseBody } from '../common';
import { type AppConfig, InjectConfig } from '../config';
import { ApiErrors, ApiKeyAuth, bodyErrors, schemaRef } from '../openapi';
import { AuthenticatedRequest, RequireScope } from './api-key.guard';
import { ConsentLink, ConsentLinkSigner, partnerConsentLink } from './consent-link';
import { createPartnerBody, Partner, partnerId } from './partner';
import { PartnerStore } from './partner.store';

const partnerIdParam = {
  name: 'id',
  description: 'The partner id.',
  schema: { type: 'string' as const, maxLength: 32 },
};

/** Partners are managed by admin keys; a partner's own keys may fetch its consent links. */
@ApiTags('partners')
@ApiKeyAuth()
@Controller('v1/partners')
export class PartnersController {
  constructor(
    private readonly partners: PartnerStore,
    private readonly signer: ConsentLinkSigner,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('admin')
  @ApiOperation({ operationId: 'createPartner', summary: 'Create a partner (admin)' })
  @ApiBody({ schema: schemaRef('CreatePartner') })
  @ApiCreatedResponse({ description: 'The new partner.', schema: schemaRef('Partner') })
  @ApiErrors({}, ...bodyErrors, 'partner_exists')
  create(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<Partner> {
    const { id, name } = parseBody(createPartnerBody, body);
    return this.partners.create(id, name, request.apiKey!.id);
  }

  @Get()
  @RequireScope('admin')
  @ApiOperation({ operationId: 'listPartners', summary: 'List partners (admin)' })
  @ApiOkResponse({ description: 'Every partner, oldest first.', schema: schemaRef('PartnerList') })
  @ApiErrors({})
  list(): Promise<Partner[]> {
    return this.partners.list();
  }

  @Get(':id')
  @RequireScope('admin')
  @ApiOperation({ operationId: 'getPartner', summary: 'One partner (admin)' })
  @ApiParam(partnerIdParam)
  @ApiOkResponse({ description: 'The partner.', schema: schemaRef('Partner') })
  @ApiErrors({}, 'partner_not_found')
  show(@Param('id') id: string): Promise<Partner> {
    return this.partners.get(this.knownId(id));
  }

  @Post(':id/consent-links')
  @HttpCode(201)
  @RequireScope('read')
  @ApiOperation({
    operationId: 'createConsentLink',
    summary: "The consent page URL a partner hands its users (admin, or the partner's own keys)",
    description:
      "Shelly's consent page with the integrator tag and a callback URL that names the partner and " +
      'is signed by the service: every device a user shares through it belongs to this partner. ' +
      "Another partner's key is answered 404, as for a partner that does not exist.",
  })
  @ApiParam(partnerIdParam)
  @ApiCreatedResponse({ description: 'The link.', schema: schemaRef('ConsentLink') })
  @ApiErrors({}, 'partner_not_found', 'consent_links_unconfigured')
  async createConsentLink(
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<ConsentLink> {
    const own = request.apiKey!.partnerId;
    if (own !== null && own !== id)
      throw new DomainError('partner_not_found', `no partner ${id.slice(0, 64)}`);
    const partner = await this.partners.get(this.knownId(id));
    return partnerConsentLink(partner.id, this.signer, {
      integratorTag: this.config.shelly.integratorTag,
      ...this.config.consent,
    });
  }

  /** An id that cannot name a partner is answered like an unknown one, without a query. */
  private knownId(id: string): string {
    if (!partnerId.safeParse(id).success) {
      throw new DomainError('partner_not_found', `no partner ${id.slice(0, 64)}`);
    }
    return id;
  }
}
