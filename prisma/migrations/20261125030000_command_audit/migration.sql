CREATE TABLE "command_audit" (
    "id" UUID NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "device_id" TEXT NOT NULL,
    "api_key_id" TEXT,
    "command" JSONB NOT NULL,
    "decision" TEXT NOT NULL,
    "error_code" TEXT,
    "consent_scope" TEXT,
    "trid" INTEGER,
    "outcome" TEXT NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "command_audit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "command_audit_decision_check" CHECK ("decision" IN ('allowed', 'denied')),
    CONSTRAINT "command_audit_consent_scope_check" CHECK ("consent_scope" IN ('read', 'control')),
    CONSTRAINT "command_audit_outcome_check" CHECK ("outcome" IN ('ok', 'denied', 'refused', 'timeout', 'error'))
);

CREATE INDEX "command_audit_device_id_recorded_at_idx" ON "command_audit"("device_id", "recorded_at");
CREATE INDEX "command_audit_api_key_id_recorded_at_idx" ON "command_audit"("api_key_id", "recorded_at");
