package io.emporium.edge.http;

import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.IdentityService;
import io.emporium.edge.identity.domain.Caller;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/** Resolves the bearer token of a request into a {@link Caller}, and the role checks routes use. */
public final class Authn {
  private static final String KEY = "caller";
  private final IdentityService identity;

  public Authn(IdentityService identity) {
    this.identity = identity;
  }

  /** Route handler: a presented token must be valid (401 otherwise); no token means anonymous. */
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      ctx.next();
      return;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.fail(ApiProblem.unauthorized("Use Authorization: Bearer <accessToken>."));
      return;
    }
    identity
        .authenticate(header.substring(7).strip())
        .onSuccess(
            caller -> {
              ctx.put(KEY, caller);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /** The signed-in caller, or 401. */
  public static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    if (caller == null) {
      throw ApiProblem.unauthorized("Sign in: this route needs an access token.");
    }
    return caller;
  }

  /** The signed-in caller holding one of the roles, 401 without a token, 403 with another role. */
  public static Caller requireRole(RoutingContext ctx, String... roles) {
    Caller caller = caller(ctx);
    if (Arrays.stream(roles).noneMatch(caller.role()::equals)) {
      throw ApiProblem.forbidden("This route is for " + String.join(" or ", roles) + " accounts.");
    }
    return caller;
  }

  /**
   * The client's address, for per-address limits: the peer of the connection (forwarding headers
   * are not trusted, so behind a proxy every client shares the proxy's address).
   */
  public static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress().hostAddress();
  }

  /** The signed-in caller or null, for handlers that treat both alike. */
  static Caller callerOrNull(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /**
   * The gRPC call context of this request: request id, client address and, when signed in, who is
   * calling.
   */
  public static CallContext callContext(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    return caller == null
        ? new CallContext(RequestIds.of(ctx), null, null, clientAddress(ctx))
        : new CallContext(
            RequestIds.of(ctx), caller.userId().toString(), caller.role(), clientAddress(ctx));
  }
}
