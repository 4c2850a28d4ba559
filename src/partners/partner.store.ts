import { Injectable } from '@nestjs/common';
import { DomainError } from '../common';
import { PrismaService } from '../database';
import { Prisma } from '../generated/prisma/client';
import { Partner } from './partner';

@Injectable()
export class PartnerStore {
  constructor(private readonly prisma: PrismaService) {}

  /** `by`: the admin key that asks for it; none for the command line. */
  async create(id: string, name: string, by: string | null = null): Promise<Partner> {
    try {
      return await this.prisma.partner.create({
        data: { id, name, createdBy: by },
        select: partnerFields,
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new DomainError('partner_exists', `a partner ${id} exists already`);
      }
      throw error;
    }
  }

  list(): Promise<Partner[]> {
    return this.prisma.partner.findMany({ select: partnerFields, orderBy: { createdAt: 'asc' } });
  }

  async find(id: string): Promise<Partner | null> {
    return this.prisma.partner.findUnique({ where: { id }, select: partnerFields });
  }

  async get(id: string): Promise<Partner> {
    const partner = await this.find(id);
    if (!partner) throw new DomainError('partner_not_found', `no partner ${id}`);
    return partner;
  }
}

const partnerFields = { id: true, name: true, createdAt: true, createdBy: true } as const;
