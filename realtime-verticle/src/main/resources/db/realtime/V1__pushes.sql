-- The last sequence number given out on each event-bus address; its row lock orders one address's pushes.
CREATE TABLE address_sequences (
  address   text   PRIMARY KEY,
  last_seq  bigint NOT NULL
);

-- What was pushed, kept for the retention window so a client that reconnects can catch up.
CREATE TABLE pushes (
  address    text        NOT NULL,
  seq        bigint      NOT NULL,
  event_id   uuid        NOT NULL,
  body       text        NOT NULL,  -- the JSON message without its seq
  pushed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (address, seq),
  UNIQUE (event_id, address)
);
CREATE INDEX pushes_age ON pushes (pushed_at);
