import { PublishedStates } from './published-states';

describe('PublishedStates', () => {
  it("knows a record read back as this replica's last one of the device, once", () => {
    const published = new PublishedStates();
    published.published('shellyplus1-a', 'id-1');
    published.published('shellyplus1-a', 'id-2');

    expect(published.readBack('shellyplus1-a', 'id-1')).toBe(false);
    expect(published.readBack('shellyplus1-a', 'id-2')).toBe(true);
    expect(published.readBack('shellyplus1-a', 'id-2')).toBe(false);
  });

  it('does not know records of other replicas or without an id', () => {
    const published = new PublishedStates();
    published.published('shellyplus1-a', 'id-1');

    expect(published.readBack('shellyplus1-b', 'id-1')).toBe(false);
    expect(published.readBack('shellyplus1-a', undefined)).toBe(false);
  });
});
