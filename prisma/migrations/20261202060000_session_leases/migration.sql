-- Which replica holds the socket of each session key (an integrator host), until when by the
-- database's clock. `epoch` grows with every change of owner, so a holder can tell its lease from a
-- later one of the same key. A replica renews its leases well before they expire and stops a session
-- it could not renew before anyone else may take it over.
CREATE TABLE "session_lease" (
    "session_key" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "epoch" BIGINT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "session_lease_pkey" PRIMARY KEY ("session_key")
);

CREATE INDEX "session_lease_owner_idx" ON "session_lease"("owner");

-- The replicas alive, each seen at its last lease round: the keys are shared among them, and a
-- request for a device goes to the address of the replica holding its key.
CREATE TABLE "service_replica" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_replica_pkey" PRIMARY KEY ("id")
);
