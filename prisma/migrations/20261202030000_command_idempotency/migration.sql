-- Idempotency-Key of command requests: the claim of a key, per API key, and the first answer to
-- replay to retries. Rows older than 24 h count as absent and are purged by the service.
CREATE TABLE "command_idempotency" (
    "api_key_id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "command_idempotency_pkey" PRIMARY KEY ("api_key_id", "idempotency_key"),
    CONSTRAINT "command_idempotency_status_check" CHECK ("status" IN ('in_progress', 'completed')),
    CONSTRAINT "command_idempotency_response_check" CHECK (
        ("status" = 'completed') = ("response_status" IS NOT NULL AND "response_body" IS NOT NULL)
    )
);

CREATE INDEX "command_idempotency_created_at_idx" ON "command_idempotency"("created_at");
