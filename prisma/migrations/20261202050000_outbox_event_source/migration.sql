-- The CloudEvents source (`ce_source` header) of each outbox event: the input it came through (consent
-- callback, a host's resync, control API), which its body does not say. Rows written before, or by an
-- older instance during a rolling deploy, did not record it and are relayed with the default.
ALTER TABLE "outbox_event" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'urn:shelly-ingest:outbox';
