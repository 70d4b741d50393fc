CREATE TABLE categories (
  id          uuid PRIMARY KEY,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
  parent_id   uuid        REFERENCES categories (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX categories_parent ON categories (parent_id);

ALTER TABLE products ADD CONSTRAINT products_category FOREIGN KEY (category_id) REFERENCES categories (id);
CREATE INDEX products_category ON products (category_id);
