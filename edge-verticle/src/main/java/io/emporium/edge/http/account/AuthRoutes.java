package io.emporium.edge.http.account;

import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.UserJson;
import io.emporium.edge.identity.IdentityService;
import io.emporium.edge.identity.domain.EmailAddresses;
import io.emporium.edge.identity.domain.PasswordPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code /auth/*}: registration, verification, login, token refresh, logout and password reset. */
public final class AuthRoutes {
  private static final Set<String> ACCOUNT_TYPES = Set.of("customer", "seller");
  private final IdentityService identity;

  public AuthRoutes(IdentityService identity) {
    this.identity = identity;
  }

  public void mount(Router api) {
    api.post("/auth/register").handler(Endpoint.of(this::register));
    api.post("/auth/verify-email").handler(Endpoint.of(this::verifyEmail));
    api.post("/auth/verify-email/resend").handler(Endpoint.of(this::resendVerification));
    api.post("/auth/login").handler(Endpoint.of(this::login));
    api.post("/auth/refresh").handler(Endpoint.of(this::refresh));
    api.post("/auth/logout").handler(Endpoint.of(this::logout));
    api.post("/auth/forgot-password").handler(Endpoint.of(this::forgotPassword));
    api.post("/auth/reset-password").handler(Endpoint.of(this::resetPassword));
  }

  Future<Reply> register(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String email = email(f);
    String fullName = f.required("fullName", 100);
    String password = f.secret("password");
    String role = f.oneOf("accountType", ACCOUNT_TYPES, "customer");
    f.forbid("role", "cannot be chosen; accounts start as customer or seller (accountType)");
    f.forbid("admin", "cannot be set by registering");
    if (password != null) {
      PasswordPolicy.check(password, email, fullName).ifPresent(why -> f.error("password", why));
    }
    f.throwIfInvalid();
    return identity
        .register(email, password, fullName, role, address(ctx))
        .map(user -> Reply.created(new JsonObject().put("user", UserJson.of(user))));
  }

  Future<Reply> verifyEmail(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String email = email(f);
    String code = f.required("code", 6);
    if (code != null) {
      f.check("code", code.matches("\\d{6}"), "must be 6 digits");
    }
    f.throwIfInvalid();
    return identity
        .verifyEmail(email, code, address(ctx))
        .map(user -> Reply.ok(new JsonObject().put("user", UserJson.of(user))));
  }

  Future<Reply> resendVerification(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String email = email(f);
    f.throwIfInvalid();
    return identity.resendVerification(email, address(ctx)).map(Reply.accepted());
  }

  Future<Reply> login(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String email = f.required("email", 254);
    String password = f.secret("password");
    f.throwIfInvalid();
    return identity
        .login(EmailAddresses.normalize(email), password, Authn.callContext(ctx))
        .map(pair -> Reply.ok(tokens(pair)));
  }

  Future<Reply> refresh(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String token = f.required("refreshToken", 100);
    f.throwIfInvalid();
    return identity.refresh(token).map(pair -> Reply.ok(tokens(pair)));
  }

  Future<Reply> logout(RoutingContext ctx) {
    var caller = Authn.caller(ctx);
    Fields f = new Fields(JsonBodies.optionalObject(ctx));
    String token = f.optional("refreshToken", 100);
    f.throwIfInvalid();
    return identity.logout(caller, token).map(Reply.noContent());
  }

  Future<Reply> forgotPassword(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String email = email(f);
    f.throwIfInvalid();
    return identity.forgotPassword(email, address(ctx)).map(Reply.accepted());
  }

  Future<Reply> resetPassword(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String token = f.required("token", 100);
    String password = f.secret("newPassword");
    if (password != null) {
      PasswordPolicy.check(password, null, null).ifPresent(why -> f.error("newPassword", why));
    }
    f.throwIfInvalid();
    return identity.resetPassword(token, password, address(ctx)).map(Reply.noContent());
  }

  /** The body of every sign-in: the token pair and the account. */
  static JsonObject tokens(IdentityService.TokenPair pair) {
    return new JsonObject()
        .put("accessToken", pair.accessToken())
        .put("refreshToken", pair.refreshToken())
        .put("expiresIn", pair.expiresIn())
        .put("tokenType", "Bearer")
        .put("user", UserJson.of(pair.user()));
  }

  private static String address(RoutingContext ctx) {
    return Authn.clientAddress(ctx);
  }

  private static String email(Fields f) {
    String raw = f.required("email", EmailAddresses.MAX_LENGTH);
    if (raw == null) {
      return null;
    }
    if (!EmailAddresses.isValid(raw)) {
      f.error("email", "is not a valid email address");
      return null;
    }
    return EmailAddresses.normalize(raw);
  }
}
