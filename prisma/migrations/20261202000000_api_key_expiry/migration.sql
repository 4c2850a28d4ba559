-- Keys may expire: after expires_at the key is refused like a revoked one, with its own error code.
ALTER TABLE "api_key" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
