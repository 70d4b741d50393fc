package io.emporium.edge.http.account;

import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.edge.identity.SocialLogin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /auth/oauth/*}: social login with OpenID Connect providers. The browser is sent to the
 * provider and back; the callback hands it a one-time login code, never tokens, which the client
 * trades for the usual token pair.
 */
public final class SocialLoginRoutes {
  private final SocialLogin social;

  public SocialLoginRoutes(SocialLogin social) {
    this.social = social;
  }

  public void mount(Router api) {
    api.get("/auth/oauth/providers").handler(Endpoint.of(this::providers));
    api.post("/auth/oauth/exchange").handler(Endpoint.of(this::exchange));
    api.get("/auth/oauth/:provider/start").handler(Endpoint.of(this::start));
    api.get("/auth/oauth/:provider/callback").handler(Endpoint.of(this::callback));
  }

  Future<Reply> providers(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    social
        .providers()
        .forEach(p -> list.add(new JsonObject().put("id", p.id()).put("name", p.name())));
    return Future.succeededFuture(Reply.ok(list));
  }

  Future<Reply> start(RoutingContext ctx) {
    return social
        .start(ctx.pathParam("provider"), ctx.request().getParam("redirectUri"))
        .map(location -> redirect(ctx, location));
  }

  Future<Reply> callback(RoutingContext ctx) {
    return social
        .callback(
            ctx.pathParam("provider"),
            ctx.request().getParam("code"),
            ctx.request().getParam("state"),
            ctx.request().getParam("error"))
        .map(outcome -> redirect(ctx, outcome.location()));
  }

  Future<Reply> exchange(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String code = f.required("loginCode", 100);
    f.throwIfInvalid();
    return social
        .exchange(code, Authn.callContext(ctx))
        .map(pair -> Reply.ok(AuthRoutes.tokens(pair)));
  }

  private static Reply redirect(RoutingContext ctx, String location) {
    ctx.response()
        .putHeader("Location", location)
        .putHeader("Cache-Control", "no-store")
        // the code or state in these URLs is nobody else's business
        .putHeader("Referrer-Policy", "no-referrer");
    return Reply.found();
  }
}
