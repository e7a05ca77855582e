-- Northwind CRM's people: staff and customer contacts of every tenant.
CREATE SCHEMA IF NOT EXISTS crm;

CREATE TABLE crm.people (
    person_id uuid PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NULL,
    is_admin boolean NOT NULL DEFAULT false,
    app_only boolean NOT NULL DEFAULT false,
    pwd text NULL,
    tenant_id bigint NOT NULL,
    locale text NULL
);

CREATE INDEX people_tenant ON crm.people (tenant_id);
