-- The devices of each linked account, as its snapshots and its socket's frames named them (hex ids):
-- any replica finds the account, and so the session, of a device a command names.
CREATE TABLE "account_device" (
    "account_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "model" TEXT,
    "gen" TEXT,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_device_pkey" PRIMARY KEY ("account_id", "device_id"),
    CONSTRAINT "account_device_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "linked_account"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "account_device_device_id_idx" ON "account_device"("device_id");
