import { Injectable } from '@nestjs/common';
import { SessionKeySource } from '../shelly';
import { ConsentCache } from './consent-cache';

/** The session keys that consent asks for: one integrator session per host of the consent host set. */
@Injectable()
export class ConsentSessionKeys extends SessionKeySource {
  constructor(private readonly consents: ConsentCache) {
    super();
  }

  keys(): string[] {
    return this.consents.hosts();
  }

  onChange(listener: (key: string, present: boolean) => Promise<void> | void): () => void {
    return this.consents.onHostSetChange(({ host, present }) => void listener(host, present));
  }
}
