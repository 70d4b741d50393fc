package io.emporium.edge.identity.domain;

/**
 * Why a social login failed, as the {@code error} parameter of the redirect back to the client
 * tells it; never more than these codes, so nothing about accounts leaks.
 */
public enum LoginFailure {
  /** The state is unknown, forged, already used or of another provider. */
  INVALID_STATE("invalid_state"),
  /** The login took longer than a pending login lives. */
  EXPIRED("expired"),
  /** The user cancelled at the provider. */
  ACCESS_DENIED("access_denied"),
  /** The provider refused the code (unknown, used, or not ours) or answered with an error. */
  PROVIDER_ERROR("provider_error"),
  /** The ID token failed its checks: signature, issuer, audience, expiry or nonce. */
  INVALID_ID_TOKEN("invalid_id_token"),
  /** The provider gave no usable email address. */
  EMAIL_REQUIRED("email_required"),
  /** An account has this email, and the provider does not vouch that it is the user's. */
  EMAIL_UNVERIFIED("email_unverified"),
  /** The account is deactivated. */
  ACCOUNT_DISABLED("account_disabled"),
  /** The provider or a store could not be reached; trying again later may work. */
  TEMPORARILY_UNAVAILABLE("temporarily_unavailable");

  private final String code;

  LoginFailure(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
