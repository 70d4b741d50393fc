package io.emporium.edge.http.account;

import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.common.problem.StorableText;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.edge.identity.SocialLogin;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code /auth/oauth/*}: social login with OpenID Connect providers. The browser is sent to the
 * provider and back; the callback hands it a one-time login code, never tokens, which the client
 * trades for the usual token pair.
 */
public final class SocialLoginRoutes {
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String POSTED_CALLBACK = "/auth/oauth/:provider/callback";
  private static final Pattern POSTED_CALLBACK_PATH =
      Pattern.compile("/api/v1/auth/oauth/[^/]+/callback/?");
  private final SocialLogin social;

  public SocialLoginRoutes(SocialLogin social) {
    this.social = social;
  }

  public void mount(Router api) {
    api.get("/auth/oauth/providers").handler(Endpoint.of(this::providers));
    api.post("/auth/oauth/exchange").handler(Endpoint.of(this::exchange));
    api.get("/auth/oauth/:provider/start").handler(Endpoint.of(this::start));
    api.get("/auth/oauth/:provider/callback").handler(Endpoint.of(this::callback));
    api.post(POSTED_CALLBACK).handler(Endpoint.of(this::postedCallback));
  }

  /**
   * Whether the request is a provider's form POST to a callback: a cross-site navigation, which the
   * CORS rules let through (its answer is a redirect, readable by no script).
   */
  public static boolean isPostedCallback(RoutingContext ctx) {
    return HttpMethod.POST.equals(ctx.request().method())
        && POSTED_CALLBACK_PATH.matcher(ctx.request().path()).matches();
  }

  Future<Reply> providers(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    social
        .providers()
        .forEach(p -> list.add(new JsonObject().put("id", p.id()).put("name", p.name())));
    return Future.succeededFuture(Reply.ok(list));
  }

  Future<Reply> start(RoutingContext ctx) {
    if (Endpoint.isHead(ctx)) {
      // only a browser's GET begins a login: a HEAD would leave a pending one nobody finishes
      ctx.response().putHeader("Allow", "GET");
      return Future.failedFuture(
          ApiProblem.of(405, "A login begins with GET; a HEAD begins none."));
    }
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
            ctx.request().getParam("error"),
            false)
        .map(outcome -> redirect(ctx, outcome.location()));
  }

  /**
   * The callback of a provider in {@code form_post} response mode (Sign in with Apple): the same
   * fields in an {@code application/x-www-form-urlencoded} body. Apple's {@code user} field is not
   * read: the account's email and name come from the ID token only.
   */
  Future<Reply> postedCallback(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) {
      return Future.failedFuture(ApiProblem.badRequest("A form body is required."));
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !FORM.equals(type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))) {
      return Future.failedFuture(ApiProblem.of(415, "Send the body as " + FORM + "."));
    }
    MultiMap form = ctx.request().formAttributes();
    List<FieldError> unstorable = new ArrayList<>();
    form.forEach(
        (name, value) -> {
          if (!StorableText.storable(name) || !StorableText.storable(value)) {
            unstorable.add(
                new FieldError(StorableText.storable(name) ? name : "body", StorableText.MESSAGE));
          }
        });
    if (!unstorable.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(unstorable));
    }
    return social
        .callback(
            ctx.pathParam("provider"), form.get("code"), form.get("state"), form.get("error"), true)
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
