-- Every stock change: who, what, before and after (available units).
CREATE TABLE inventory_changes (
  id          bigserial PRIMARY KEY,
  sku         text        NOT NULL REFERENCES variants (sku),
  actor_id    uuid        NOT NULL,
  actor_role  text        NOT NULL,
  change      text        NOT NULL,
  before      integer     NOT NULL,
  after       integer     NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inventory_changes_sku ON inventory_changes (sku, changed_at);
