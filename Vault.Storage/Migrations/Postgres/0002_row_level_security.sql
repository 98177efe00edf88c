-- Tenant isolation in the database itself (shared/seeds/001: "Postgres RLS enforced at DB layer; every query
-- sets app.current_org"). The store sets vault.tenant with set_config(…, true), i.e. SET LOCAL, at the start
-- of every transaction that touches a tenant table, so a pooled connection never carries one request's tenant
-- into the next. With no tenant set, current_setting(…, true) is NULL (or '' once a session has used it and the
-- transaction ended): no row matches, so a query that forgot the tenant sees nothing rather than everything.
--
-- FORCE makes the policies apply to the tables' owner as well. Superusers and BYPASSRLS roles still pass
-- through them, which is why the store refuses to serve as such a role (PostgresRoles.cs).
--
-- oauth_one_time has no tenant: it holds the ids of single-use OAuth states and tickets, whose tenant is
-- sealed inside the ticket itself.

ALTER TABLE connections ENABLE ROW LEVEL SECURITY;
ALTER TABLE connections FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON connections
    USING (tenant = NULLIF(current_setting('vault.tenant', true), ''))
    WITH CHECK (tenant = NULLIF(current_setting('vault.tenant', true), ''));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;

-- Read and append only: with no UPDATE or DELETE policy, those statements match no row even for a role that
-- was granted them by mistake (and the triggers of 0001 refuse them outright).
CREATE POLICY tenant_reads ON audit_log FOR SELECT
    USING (tenant = NULLIF(current_setting('vault.tenant', true), ''));

CREATE POLICY tenant_appends ON audit_log FOR INSERT
    WITH CHECK (tenant = NULLIF(current_setting('vault.tenant', true), ''));
