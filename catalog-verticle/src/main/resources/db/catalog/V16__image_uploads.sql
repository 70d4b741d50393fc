-- Uploads whose file is written but whose image row is not yet added: while listed, their hash's file is in
-- use, so removing another image that shared it leaves the file alone. Files are written outside transactions.
CREATE TABLE image_uploads (
  id          uuid PRIMARY KEY,
  sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  started_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX image_uploads_sha256 ON image_uploads (sha256);
