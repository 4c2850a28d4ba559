-- Shelly accounts that users linked to a partner through OAuth. The access token is stored sealed
-- (AES-256-GCM, `v1.<key id>.…`), never in clear; it is null once Shelly refused to renew it.
-- `token_version` grows with every token written, so a renewal that raced a relink or an unlink
-- writes nothing. `renew_after` is when the next renewal is due, or claimed until.
CREATE TABLE "linked_account" (
    "id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "shelly_user_id" BIGINT NOT NULL,
    "api_host" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "access_token" TEXT,
    "token_expires_at" TIMESTAMPTZ(3),
    "token_version" INTEGER NOT NULL DEFAULT 0,
    "renew_after" TIMESTAMPTZ(3),
    "linked_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "linked_account_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "linked_account_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "linked_account_scope_check" CHECK ("scope" IN ('read', 'control')),
    CONSTRAINT "linked_account_status_check" CHECK ("status" IN ('active', 'relink_required'))
);

CREATE UNIQUE INDEX "linked_account_partner_id_shelly_user_id_key" ON "linked_account"("partner_id", "shelly_user_id");
CREATE INDEX "linked_account_status_renew_after_idx" ON "linked_account"("status", "renew_after");

-- The links handed out and not yet used: a state is accepted once, while its row exists and has not
-- expired. Used rows are deleted at once, expired ones by a periodic purge.
CREATE TABLE "account_link_state" (
    "nonce" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_link_state_pkey" PRIMARY KEY ("nonce")
);

CREATE INDEX "account_link_state_expires_at_idx" ON "account_link_state"("expires_at");
