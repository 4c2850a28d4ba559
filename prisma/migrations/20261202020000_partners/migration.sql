-- Partners: the tenants. Each consent belongs to the partner whose consent link the user followed,
-- each non-admin API key to one partner; admin keys (operators) belong to none.
CREATE TABLE "partner" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "partner_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "partner_id_check" CHECK ("id" ~ '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$')
);

-- Everything stored before partners existed belongs to this one; the plain callback path serves it.
INSERT INTO "partner" ("id", "name") VALUES ('default', 'Default partner');

ALTER TABLE "api_key" ADD COLUMN "partner_id" TEXT REFERENCES "partner"("id");
UPDATE "api_key" SET "partner_id" = 'default' WHERE NOT ('admin' = ANY("scopes"));
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_partner_check"
    CHECK (("partner_id" IS NULL) = ('admin' = ANY("scopes")));
CREATE INDEX "api_key_partner_id_idx" ON "api_key"("partner_id");

ALTER TABLE "device_consent" ADD COLUMN "partner_id" TEXT NOT NULL DEFAULT 'default' REFERENCES "partner"("id");
ALTER TABLE "device_consent" ALTER COLUMN "partner_id" DROP DEFAULT;
CREATE INDEX "device_consent_partner_id_device_id_idx" ON "device_consent"("partner_id", "device_id");

ALTER TABLE "consent_history" ADD COLUMN "partner_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "consent_history" ALTER COLUMN "partner_id" DROP DEFAULT;

-- The partner of the key that sent the command; NULL for admin keys and callers without a valid key.
ALTER TABLE "command_audit" ADD COLUMN "partner_id" TEXT;
CREATE INDEX "command_audit_partner_id_device_id_recorded_at_idx" ON "command_audit"("partner_id", "device_id", "recorded_at");
