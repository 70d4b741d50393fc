-- An upload's claim names the file it writes, so a claim its upload abandoned (a crash between the
-- claim and the image's row) can be found by its age and its file removed when nothing uses it.
ALTER TABLE image_uploads ADD COLUMN storage_key text, ADD COLUMN content_type text;
CREATE INDEX image_uploads_started_at ON image_uploads (started_at);
