CREATE TABLE users (
  id              uuid PRIMARY KEY,
  email           text        NOT NULL CHECK (email = lower(email)),
  password_hash   text        NOT NULL,
  full_name       text        NOT NULL,
  role            text        NOT NULL CHECK (role IN ('customer', 'seller', 'admin')),
  email_verified  boolean     NOT NULL DEFAULT false,
  active          boolean     NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_newest ON users (created_at DESC, id DESC);

-- One pending 6-digit code per user, stored hashed, with an attempt counter.
CREATE TABLE email_verifications (
  user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  code_hash   bytea       NOT NULL,
  expires_at  timestamptz NOT NULL,
  attempts    integer     NOT NULL DEFAULT 0
);

-- A session is one login: the family of refresh tokens rotated from it. Access tokens name it (sid),
-- so revoking the session ends its access tokens too.
CREATE TABLE sessions (
  id              uuid PRIMARY KEY,
  user_id         uuid        NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  revoked_reason  text
);
CREATE INDEX sessions_live ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
  token_hash  bytea PRIMARY KEY,
  session_id  uuid        NOT NULL REFERENCES sessions (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE password_resets (
  token_hash  bytea PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE addresses (
  id           uuid PRIMARY KEY,
  user_id      uuid        NOT NULL REFERENCES users (id),
  name         text        NOT NULL,
  line1        text        NOT NULL,
  line2        text,
  city         text        NOT NULL,
  region       text,
  postal_code  text        NOT NULL,
  country      text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  phone        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_user ON addresses (user_id, created_at, id);
