import { outboxInsert } from './outbox-writer';

describe('outbox insert', () => {
  it('numbers the parameters of each event on from those of the statement around it, in the order given', () => {
    const granted = {
      type: 'consent.granted.v1',
      id: '00000000-0000-4000-8000-000000000001',
      time: '2025-03-02T10:15:00.000Z',
      partner: 'acme',
    };
    const audit = {
      type: 'command.audit.v1',
      id: '00000000-0000-4000-8000-000000000002',
      time: '2025-03-02T10:15:00.120Z',
      partner: null,
    };

    const insert = outboxInsert(
      [
        {
          topic: 't.consent',
          key: 'aabbccddeeff',
          source: 'urn:shelly-ingest:consent-callback',
          event: granted,
        },
        {
          topic: 't.command-audit',
          key: '001122334455',
          source: 'urn:shelly-ingest:control-api',
          event: audit,
        },
      ],
      4,
    );

    expect(insert.sql).toContain('VALUES ($4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15)');
    expect(insert.parameters).toEqual([
      't.consent',
      'aabbccddeeff',
      granted.type,
      granted.id,
      'urn:shelly-ingest:consent-callback',
      JSON.stringify(granted),
      't.command-audit',
      '001122334455',
      audit.type,
      audit.id,
      'urn:shelly-ingest:control-api',
      JSON.stringify(audit),
    ]);
  });
});
