-- A product's images in display order: an upload (its bytes in DATA_DIR/images/<storage_key>, named by
-- their sha256 so equal uploads share one file) or an image hosted elsewhere (url).
CREATE TABLE product_images (
  id            uuid PRIMARY KEY,
  product_id    uuid        NOT NULL REFERENCES products (id),
  position      integer     NOT NULL CHECK (position >= 0),
  url           text        CHECK (length(url) BETWEEN 1 AND 2048),
  storage_key   text,
  content_type  text        CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  byte_size     bigint      CHECK (byte_size > 0),
  sha256        text        CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, position),
  CHECK ((url IS NULL) <> (storage_key IS NULL)),
  CHECK (storage_key IS NULL OR (content_type IS NOT NULL AND byte_size IS NOT NULL AND sha256 IS NOT NULL))
);
CREATE INDEX product_images_sha256 ON product_images (sha256) WHERE sha256 IS NOT NULL;
