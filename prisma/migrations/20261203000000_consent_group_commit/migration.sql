-- Locks the consent of every device named, then reads what a group of callbacks needs, in one
-- round trip (see ConsentStore.apply). The locks are the advisory locks the store takes for one
-- device, hashtext('consent:' || device_id), taken in the order of their keys so that two groups
-- naming some of the same devices cannot deadlock. Each statement of a volatile function sees what
-- committed before it began, so the reads after the locks see the last change of each device.
-- Rows by `kind`:
--   device   one per distinct device: its consent (columns null when it has none) and the newest
--            token accepted for it;
--   token    one per token hash already accepted, with the callback it came with;
--   version  version_count fresh values of consent_version_seq, drawn under the locks.
CREATE FUNCTION lock_consent_devices(device_ids TEXT[], token_hashes TEXT[], version_count INT)
RETURNS TABLE (
    kind TEXT,
    device_id TEXT,
    owner_user_id BIGINT,
    device_type TEXT,
    device_code TEXT,
    scope TEXT,
    host TEXT,
    channel_names TEXT[],
    partner_id TEXT,
    granted_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    newest_issued_at TIMESTAMPTZ,
    token_hash TEXT,
    seen_callback_hash TEXT,
    version BIGINT
)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    lock_key INT;
BEGIN
    FOR lock_key IN
        SELECT DISTINCT hashtext('consent:' || d) FROM unnest(device_ids) AS d ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(lock_key);
    END LOOP;

    RETURN QUERY
        SELECT 'device'::TEXT, d.id, c.owner_user_id, c.device_type, c.device_code, c.scope, c.host,
               c.channel_names, c.partner_id, c.granted_at::TIMESTAMPTZ, c.updated_at::TIMESTAMPTZ,
               (SELECT max(t.issued_at) FROM consent_callback_token t WHERE t.device_id = d.id)::TIMESTAMPTZ,
               NULL::TEXT, NULL::TEXT, NULL::BIGINT
        FROM (SELECT DISTINCT unnest(device_ids) AS id) AS d
        LEFT JOIN device_consent c ON c.device_id = d.id;

    RETURN QUERY
        SELECT 'token'::TEXT, NULL::TEXT, NULL::BIGINT, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TEXT,
               NULL::TEXT[], NULL::TEXT, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ,
               t.token_hash, t.callback_hash, NULL::BIGINT
        FROM consent_callback_token t WHERE t.token_hash = ANY (token_hashes);

    RETURN QUERY
        SELECT 'version'::TEXT, NULL::TEXT, NULL::BIGINT, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TEXT,
               NULL::TEXT[], NULL::TEXT, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ,
               NULL::TEXT, NULL::TEXT, nextval('consent_version_seq')
        FROM generate_series(1, version_count);
END
$$;
