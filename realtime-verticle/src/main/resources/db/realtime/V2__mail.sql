-- Where mail goes, learned from identity.events: realtime never reads the identity schema.
CREATE TABLE recipients (
  user_id    uuid        PRIMARY KEY,
  email      text        NOT NULL,
  full_name  text        NOT NULL,
  role       text        NOT NULL,
  active     boolean     NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recipients_active_admins ON recipients (user_id) WHERE role = 'admin' AND active;

-- Each mail an event calls for, once the SMTP server accepted it: an event applied again sends none twice.
CREATE TABLE sent_mails (
  event_id  uuid        NOT NULL,
  kind      text        NOT NULL,
  recipient text        NOT NULL,
  sent_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, kind, recipient)
);
