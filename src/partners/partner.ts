import { z } from 'zod';

/**
 * A partner's id names its Kafka topics and its consent callback path, so it is chosen once, at
 * creation, in the characters both allow.
 */
export const partnerIdPattern = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

export const partnerId = z
  .string()
  .regex(partnerIdPattern, 'expected 1 to 32 lowercase letters, digits and inner hyphens');

/** The partner that holds everything stored before partners existed; the plain callback serves it. */
export const DEFAULT_PARTNER_ID = 'default';

export const createPartnerBody = z.strictObject({
  id: partnerId.meta({
    description: 'Chosen once: it names the partner’s Kafka topics and consent callback path.',
  }),
  name: z.string().trim().min(1).max(200),
});

export interface Partner {
  id: string;
  name: string;
  createdAt: Date;
  /** The admin key that created it; `null`: the command line or the migration. */
  createdBy: string | null;
}
