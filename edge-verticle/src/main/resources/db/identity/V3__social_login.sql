-- Social login (OpenID Connect). A provider's account is known by its issuer's subject, linked to one of ours.
CREATE TABLE oauth_links (
  provider    text        NOT NULL,
  subject     text        NOT NULL,
  user_id     uuid        NOT NULL REFERENCES users (id),
  email       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_login  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, subject)
);
CREATE INDEX oauth_links_user ON oauth_links (user_id);

-- A login under way between /start and /callback, found by the hash of its state, used once.
CREATE TABLE oauth_pending_logins (
  state_hash     bytea PRIMARY KEY,
  provider       text        NOT NULL,
  nonce          text        NOT NULL,
  code_verifier  text        NOT NULL,
  redirect_uri   text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz
);
CREATE INDEX oauth_pending_logins_expiry ON oauth_pending_logins (expires_at);

-- The one-time code the callback hands the browser instead of tokens; stored hashed, used once.
CREATE TABLE oauth_login_codes (
  code_hash   bytea PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX oauth_login_codes_expiry ON oauth_login_codes (expires_at);
