-- Every SCL-Trust token accepted, until it expires: a token counts for one callback body only, and a
-- token older than the newest one accepted for the device is refused (an old add cannot undo a
-- newer remove). Rows past their expiry are purged; the verifier refuses such tokens anyway.
CREATE TABLE "consent_callback_token" (
    "token_hash" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "callback_hash" TEXT NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "consent_callback_token_pkey" PRIMARY KEY ("token_hash")
);

CREATE INDEX "consent_callback_token_device_id_issued_at_idx" ON "consent_callback_token"("device_id", "issued_at");
CREATE INDEX "consent_callback_token_expires_at_idx" ON "consent_callback_token"("expires_at");

-- Orders the changes of one device, so that no instance lets an older one overwrite a newer one in
-- its cache. Taken under the device's lock, so per device it grows in commit order.
CREATE SEQUENCE "consent_version_seq";
ALTER TABLE "device_consent" ADD COLUMN "version" BIGINT NOT NULL DEFAULT nextval('consent_version_seq');
ALTER TABLE "device_consent" ALTER COLUMN "version" DROP DEFAULT;
