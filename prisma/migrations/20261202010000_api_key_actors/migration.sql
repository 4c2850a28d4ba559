-- Who created and who revoked each key: the id of the admin key that did it, NULL for the command line.
ALTER TABLE "api_key" ADD COLUMN "created_by" TEXT;
ALTER TABLE "api_key" ADD COLUMN "revoked_by" TEXT;
