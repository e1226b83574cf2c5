-- Cramp Practitioner clinic mode: the server roles and the database.
--
-- Run once as a PostgreSQL superuser, with psql:
--
--     psql -v ON_ERROR_STOP=1 -U postgres -f clinic-server-setup.sql
--
-- Then give both roles a password (psql: \password cramp_owner, \password cramp_app).
--
-- cramp_owner  owns the schema. Start the app with it once after setting up and after
--              every app upgrade: it runs the schema migrations. Keep its password with
--              the administrator.
-- cramp_app    what the workstations connect as: it reads and writes the records, may add
--              to the audit trail but never change or remove an entry of it (no UPDATE,
--              DELETE or TRUNCATE on audit_log), and cannot alter the schema.
--
-- The names are examples: change cramp_owner, cramp_app and cramp throughout if your
-- server needs others. Running the second part again (after \connect) is harmless.

CREATE ROLE cramp_owner LOGIN;
CREATE ROLE cramp_app LOGIN;
-- Byte-order collation, as SQLite's: the patient search reads ranges of name words.
CREATE DATABASE cramp OWNER cramp_owner ENCODING 'UTF8' LC_COLLATE 'C' TEMPLATE template0;
REVOKE ALL ON DATABASE cramp FROM PUBLIC;
GRANT CONNECT ON DATABASE cramp TO cramp_app;

\connect cramp

-- Only the owner creates objects; the application role only uses them.
ALTER SCHEMA public OWNER TO cramp_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO cramp_app;

-- Every table the owner's migrations create: read and write rows, nothing more.
ALTER DEFAULT PRIVILEGES FOR ROLE cramp_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cramp_app;
ALTER DEFAULT PRIVILEGES FOR ROLE cramp_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO cramp_app;

-- Tables that already exist (when this part is run again after the first start).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cramp_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cramp_app;

-- The audit trail and the migration history are the owner's alone to change. (Migration
-- 0006 revokes these rights from every other role when it creates the trail; this
-- repeats it for a database set up before then.)
DO $$
BEGIN
    IF to_regclass('public.audit_log') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_log, public.audit_issued
            FROM cramp_app;
    END IF;
    IF to_regclass('public.schema_migration') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.schema_migration FROM cramp_app;
    END IF;
END
$$;
