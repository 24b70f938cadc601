-- The jsonb of a metadata text, or NULL where the text is not jsonb (NaN, Infinity and \u0000 were stored by older
-- versions): such a row then matches no filter instead of failing the query. Filters call it only for texts that
-- contain one of those tokens (store/dialects/postgres.py), so the exception block's cost stays off the common path.
CREATE OR REPLACE FUNCTION recallr_jsonb_or_null(doc text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RETURN doc::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$;
