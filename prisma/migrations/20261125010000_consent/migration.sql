CREATE TABLE "device_consent" (
    "device_id" TEXT NOT NULL,
    "owner_user_id" BIGINT NOT NULL,
    "device_type" TEXT,
    "device_code" TEXT,
    "scope" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "channel_names" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_consent_pkey" PRIMARY KEY ("device_id"),
    CONSTRAINT "device_consent_scope_check" CHECK ("scope" IN ('read', 'control'))
);

CREATE INDEX "device_consent_host_idx" ON "device_consent"("host");
CREATE INDEX "device_consent_owner_user_id_idx" ON "device_consent"("owner_user_id");

CREATE TABLE "consent_history" (
    "id" BIGSERIAL NOT NULL,
    "device_id" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "scope" TEXT,
    "previous_scope" TEXT,
    "owner_user_id" BIGINT NOT NULL,
    "host" TEXT NOT NULL,
    "callback" JSONB NOT NULL,
    "verification" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_history_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "consent_history_change_check" CHECK ("change" IN ('granted', 'scope_changed', 'updated', 'revoked'))
);

CREATE INDEX "consent_history_device_id_id_idx" ON "consent_history"("device_id", "id");

CREATE TABLE "shelly_host" (
    "name" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shelly_host_pkey" PRIMARY KEY ("name")
);
