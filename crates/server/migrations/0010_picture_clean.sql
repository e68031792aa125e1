-- A picture shown to others (a post's, a notice cover, a lesson's) is re-encoded once,
-- without its metadata (EXIF, GPS); `cleaned` marks an attachment that has been.
ALTER TABLE attachments ADD COLUMN cleaned BIGINT NOT NULL DEFAULT 0;
