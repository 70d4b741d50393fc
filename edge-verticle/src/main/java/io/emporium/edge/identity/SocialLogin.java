package io.emporium.edge.identity;

import io.emporium.common.config.EmporiumConfig.OidcProvider;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.domain.EmailAddresses;
import io.emporium.edge.identity.domain.LoginFailure;
import io.emporium.edge.identity.domain.Pkce;
import io.emporium.edge.identity.domain.RedirectAllowlist;
import io.emporium.edge.identity.domain.Secrets;
import io.emporium.edge.identity.domain.User;
import io.emporium.edge.identity.publish.IdentityEvents;
import io.emporium.edge.identity.store.SocialLoginStore;
import io.emporium.edge.identity.store.SocialLoginStore.PendingLogin;
import io.emporium.edge.identity.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Social login with OpenID Connect providers: the authorization-code flow with PKCE, {@code state}
 * and {@code nonce}, the account it signs into (found by the provider's subject, else linked by a
 * verified email, else a new customer), and the one-time login code the browser trades for the
 * usual token pair, so tokens never travel in a URL.
 */
public final class SocialLogin {
  private static final Logger LOG = LoggerFactory.getLogger(SocialLogin.class);
  public static final Duration PENDING_TTL = Duration.ofMinutes(10);
  public static final Duration CODE_TTL = Duration.ofSeconds(60);
  private static final long PROVIDER_WAIT_MS = 15_000;
  private static final List<String> SCOPES = List.of("openid", "email", "profile");

  /** Where the callback sends the browser: the client's redirect URI with a code or an error. */
  public record Outcome(String location) {}

  /** A login the account rules refused, with the reason the client is told. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient LoginFailure failure;

    Refused(LoginFailure failure) {
      super(failure.code(), null, false, false);
      this.failure = failure;
    }
  }

  /** What the provider's ID token says about the user, once its checks passed. */
  private record ProvenIdentity(
      String provider, String subject, String email, boolean emailVerified, String name) {}

  private final Pool pool;
  private final OidcProviders providers;
  private final SocialLoginStore store;
  private final UserStore users;
  private final IdentityEvents events;
  private final Passwords passwords;
  private final IdentityService identity;
  private final RedirectAllowlist allowlist;
  private final String callbackBase;
  private final String fallbackUrl;

  public SocialLogin(
      Pool pool,
      OidcProviders providers,
      SocialLoginStore store,
      UserStore users,
      IdentityEvents events,
      Passwords passwords,
      IdentityService identity,
      RedirectAllowlist allowlist,
      String callbackBase,
      String fallbackUrl) {
    this.pool = pool;
    this.providers = providers;
    this.store = store;
    this.users = users;
    this.events = events;
    this.passwords = passwords;
    this.identity = identity;
    this.allowlist = allowlist;
    this.callbackBase = callbackBase;
    this.fallbackUrl = fallbackUrl;
  }

  public List<OidcProvider> providers() {
    return providers.all();
  }

  /**
   * Starts a login: stores its state, nonce and PKCE verifier for {@link #PENDING_TTL} and answers
   * the provider's authorization URL. 404 for an unknown provider, 422 for a redirect URI the
   * allowlist does not hold, 503 while the provider cannot be discovered.
   */
  public Future<String> start(String providerId, String redirectUri) {
    OidcProvider provider = provider(providerId);
    if (redirectUri == null || redirectUri.isBlank()) {
      return Future.failedFuture(ApiProblem.invalid("redirectUri", "is required"));
    }
    if (redirectUri.length() > 2000 || !allowlist.allows(redirectUri)) {
      return Future.failedFuture(
          ApiProblem.invalid("redirectUri", "is not an allowed redirect URI"));
    }
    String state = Secrets.newToken();
    String nonce = Secrets.newToken();
    String verifier = Pkce.newVerifier();
    return providers
        .client(provider)
        .recover(
            e ->
                Future.failedFuture(
                    ApiProblem.unavailable(
                        "The sign-in provider cannot be reached; try again shortly.", 5)))
        .compose(
            client ->
                store
                    .savePending(
                        Secrets.sha256(state),
                        new PendingLogin(
                            provider.id(), nonce, verifier, redirectUri, now().plus(PENDING_TTL)))
                    .map(
                        v -> client.authorizeURL(authorization(provider, state, nonce, verifier))));
  }

  private OAuth2AuthorizationURL authorization(
      OidcProvider provider, String state, String nonce, String verifier) {
    OAuth2AuthorizationURL url =
        new OAuth2AuthorizationURL()
            .setRedirectUri(callbackUrl(provider))
            .setScopes(SCOPES)
            .setState(state)
            .setCodeChallenge(Pkce.challenge(verifier))
            .setCodeChallengeMethod(Pkce.METHOD)
            .putAdditionalParameter("nonce", nonce);
    if (provider.formPost()) {
      url.putAdditionalParameter("response_mode", OidcProvider.FORM_POST);
    }
    return url;
  }

  /**
   * The provider sends the browser back here. The state is used once before anything else: an
   * unknown, used, expired or foreign one ends the login without calling the provider. Then the
   * code is redeemed (with the PKCE verifier), the ID token checked, the account found or made and
   * a one-time login code issued. Always a redirect: to the redirect URI with {@code loginCode} or
   * {@code error}; to the fallback URL when the state names no redirect URI. {@code posted}: the
   * provider sent the browser back with a form POST; a provider answers in its configured response
   * mode only, so a callback in the other one is refused as a foreign state is.
   */
  public Future<Outcome> callback(
      String providerId, String code, String state, String providerError, boolean posted) {
    OidcProvider provider = provider(providerId);
    if (state == null || state.isBlank() || state.length() > 200) {
      return Future.failedFuture(ApiProblem.invalid("state", "is required"));
    }
    return store
        .useState(Secrets.sha256(state))
        .compose(
            found -> {
              if (found.isEmpty()) {
                return failed(fallbackUrl, LoginFailure.INVALID_STATE);
              }
              PendingLogin pending = found.get().login();
              if (!found.get().first()
                  || !pending.provider().equals(provider.id())
                  || posted != provider.formPost()) {
                return failed(pending.redirectUri(), LoginFailure.INVALID_STATE);
              }
              if (pending.expiresAt().isBefore(now())) {
                return failed(pending.redirectUri(), LoginFailure.EXPIRED);
              }
              if (providerError != null) {
                return failed(
                    pending.redirectUri(),
                    "access_denied".equals(providerError)
                        ? LoginFailure.ACCESS_DENIED
                        : LoginFailure.PROVIDER_ERROR);
              }
              if (code == null || code.isBlank() || code.length() > 2000) {
                return failed(pending.redirectUri(), LoginFailure.PROVIDER_ERROR);
              }
              return redeem(provider, pending, code)
                  .compose(this::signInto)
                  .map(
                      loginCode ->
                          new Outcome(withParam(pending.redirectUri(), "loginCode", loginCode)))
                  .recover(e -> failed(pending.redirectUri(), reasonFor(provider, e)));
            })
        .recover(
            e -> {
              if (e instanceof ApiProblem) {
                return Future.failedFuture(e);
              }
              LOG.warn("social login callback failed before its state was read: {}", e.toString());
              return failed(fallbackUrl, LoginFailure.TEMPORARILY_UNAVAILABLE);
            });
  }

  /**
   * Trades a login code, once and within {@link #CODE_TTL}, for the token pair a password login
   * gives; 400 when it is unknown, used or expired, 403 when the account was deactivated since.
   */
  public Future<IdentityService.TokenPair> exchange(String loginCode, CallContext request) {
    ApiProblem invalid =
        ApiProblem.badRequest("The login code is invalid, expired or already used.");
    return store
        .useCode(Secrets.sha256("login-code", loginCode))
        .compose(
            userId -> userId.isEmpty() ? Future.failedFuture(invalid) : users.byId(userId.get()))
        .compose(
            user -> {
              if (user.isEmpty()) {
                return Future.failedFuture(invalid);
              }
              if (!user.get().active()) {
                return Future.failedFuture(ApiProblem.forbidden("This account is deactivated."));
              }
              return identity.openSession(user.get(), request);
            });
  }

  /** Redeems the code at the provider's token endpoint and checks the ID token it answers. */
  private Future<ProvenIdentity> redeem(OidcProvider provider, PendingLogin pending, String code) {
    return providers
        .client(provider)
        .compose(
            client ->
                client
                    .authenticate(
                        new Oauth2Credentials()
                            .setFlow(OAuth2FlowType.AUTH_CODE)
                            .setCode(code)
                            .setRedirectUri(callbackUrl(provider))
                            .setCodeVerifier(pending.codeVerifier()))
                    .timeout(PROVIDER_WAIT_MS, TimeUnit.MILLISECONDS)
                    .recover(
                        e -> {
                          LOG.info(
                              "the provider {} refused an authorization code: {}",
                              provider.id(),
                              e.getMessage());
                          return Future.failedFuture(new Refused(LoginFailure.PROVIDER_ERROR));
                        })
                    .map(user -> proven(provider, user.attributes(), pending.nonce())));
  }

  /**
   * The ID token's claims, which the client has put in the user's attributes only when its
   * signature verified against the issuer's keys and its issuer, audience and expiry held; checked
   * here again, with the nonce this login stored.
   */
  private static ProvenIdentity proven(OidcProvider provider, JsonObject attributes, String nonce) {
    JsonObject token = attributes.getJsonObject("idToken");
    if (token == null) {
      throw new Refused(LoginFailure.INVALID_ID_TOKEN);
    }
    // discovery checked that the issuer the provider names is the configured one
    String issuer = provider.issuer();
    Object aud = token.getValue("aud");
    boolean forUs =
        aud instanceof JsonArray list
            ? list.contains(provider.clientId())
            : provider.clientId().equals(aud);
    Long exp = token.getLong("exp");
    String tokenNonce = token.getString("nonce");
    String subject = token.getString("sub");
    if (!forUs
        || !issuer.equals(token.getString("iss"))
        || exp == null
        || exp * 1000 < System.currentTimeMillis() - 30_000
        || tokenNonce == null
        || !MessageDigest.isEqual(
            tokenNonce.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))
        || subject == null
        || subject.isBlank()
        || subject.length() > 255) {
      throw new Refused(LoginFailure.INVALID_ID_TOKEN);
    }
    Object verified = token.getValue("email_verified");
    return new ProvenIdentity(
        provider.id(),
        subject,
        token.getString("email"),
        Boolean.TRUE.equals(verified) || "true".equals(verified),
        token.getString("name"));
  }

  /**
   * Finds or makes the account and issues its login code, in one transaction: the provider's
   * subject first, else the account of a verified email (linked now), else a new customer; never
   * the account of an email the provider does not vouch for.
   */
  private Future<String> signInto(ProvenIdentity who) {
    String email =
        who.email() == null || !EmailAddresses.isValid(who.email())
            ? null
            : EmailAddresses.normalize(who.email());
    return needsNewAccount(who, email)
        .compose(isNew -> isNew ? passwords.hash(Secrets.newToken()) : Future.succeededFuture(""))
        .compose(
            unusableHash ->
                pool.withTransaction(
                    tx ->
                        account(tx, who, email, unusableHash)
                            .compose(
                                user -> {
                                  if (!user.active()) {
                                    return Future.failedFuture(
                                        new Refused(LoginFailure.ACCOUNT_DISABLED));
                                  }
                                  String loginCode = Secrets.newToken();
                                  return store
                                      .saveCode(
                                          tx,
                                          Secrets.sha256("login-code", loginCode),
                                          user.id(),
                                          now().plus(CODE_TTL))
                                      .map(loginCode);
                                })));
  }

  /**
   * Whether this login will make an account, asked before the transaction so the new account's
   * unusable password is hashed outside it.
   */
  private Future<Boolean> needsNewAccount(ProvenIdentity who, String email) {
    if (email == null) {
      return Future.succeededFuture(false);
    }
    return store
        .linkedUser(pool, who.provider(), who.subject())
        .compose(
            linked ->
                linked.isPresent()
                    ? Future.succeededFuture(false)
                    : users.credentials(email).map(Optional::isEmpty));
  }

  private Future<User> account(
      SqlConnection tx, ProvenIdentity who, String email, String unusableHash) {
    return store
        .linkedUser(tx, who.provider(), who.subject())
        .compose(
            linked -> {
              if (linked.isPresent()) {
                return users
                    .lockById(tx, linked.get())
                    .compose(
                        user ->
                            store
                                .touchLink(tx, who.provider(), who.subject(), email)
                                .map(v -> user.orElseThrow()));
              }
              if (email == null) {
                return Future.failedFuture(new Refused(LoginFailure.EMAIL_REQUIRED));
              }
              return users
                  .lockByEmail(tx, email)
                  .compose(
                      existing -> {
                        if (existing.isPresent()) {
                          return linkExisting(tx, who, email, existing.get());
                        }
                        if (unusableHash.isEmpty()) {
                          // made by a parallel login since we looked: the next attempt links it
                          return Future.failedFuture(
                              new Refused(LoginFailure.TEMPORARILY_UNAVAILABLE));
                        }
                        return createCustomer(tx, who, email, unusableHash);
                      });
            });
  }

  /** Links an existing account, only on an email the provider has verified. */
  private Future<User> linkExisting(SqlConnection tx, ProvenIdentity who, String email, User user) {
    if (!who.emailVerified()) {
      return Future.failedFuture(new Refused(LoginFailure.EMAIL_UNVERIFIED));
    }
    return store
        .link(tx, who.provider(), who.subject(), user.id(), email)
        .compose(v -> user.emailVerified() ? Future.succeededFuture(user) : verify(tx, user));
  }

  /**
   * A new customer with a password nobody knows (a reset sets one); verified when the provider says
   * so, else sent a code as a registration is.
   */
  private Future<User> createCustomer(
      SqlConnection tx, ProvenIdentity who, String email, String unusableHash) {
    String given = who.name() == null ? "" : who.name().replaceAll("\\p{Cntrl}", "").strip();
    String name =
        given.isEmpty() || given.length() > 100 ? email.substring(0, email.indexOf('@')) : given;
    return users
        .insert(tx, email, unusableHash, name, "customer")
        .compose(
            user ->
                events
                    .registered(tx, user)
                    .compose(v -> store.link(tx, who.provider(), who.subject(), user.id(), email))
                    .compose(
                        v -> {
                          if (who.emailVerified()) {
                            return verify(tx, user);
                          }
                          String code = Secrets.newSixDigitCode();
                          OffsetDateTime expires = now().plus(IdentityService.CODE_TTL);
                          return users
                              .saveCode(
                                  tx,
                                  user.id(),
                                  Secrets.sha256(user.id().toString(), code),
                                  expires)
                              .compose(x -> events.verificationRequested(tx, user, code, expires))
                              .map(user);
                        }));
  }

  /** Marks the email verified and announces it, as a verification code does. */
  private Future<User> verify(SqlConnection tx, User user) {
    return users
        .markVerified(tx, user.id())
        .compose(verified -> events.emailVerified(tx, verified).map(verified));
  }

  private LoginFailure reasonFor(OidcProvider provider, Throwable e) {
    if (e instanceof Refused refused) {
      return refused.failure;
    }
    LOG.warn("social login through {} failed: {}", provider.id(), e.toString());
    return LoginFailure.TEMPORARILY_UNAVAILABLE;
  }

  private OidcProvider provider(String id) {
    return providers
        .byId(id)
        .orElseThrow(() -> ApiProblem.notFound("No sign-in provider " + id + "."));
  }

  /** Where the provider sends the browser back: this edge's callback route for the provider. */
  String callbackUrl(OidcProvider provider) {
    return callbackBase + "/api/v1/auth/oauth/" + provider.id() + "/callback";
  }

  private static Future<Outcome> failed(String redirectUri, LoginFailure failure) {
    return Future.succeededFuture(new Outcome(withParam(redirectUri, "error", failure.code())));
  }

  static String withParam(String uri, String name, String value) {
    return uri
        + (uri.contains("?") ? "&" : "?")
        + name
        + "="
        + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
