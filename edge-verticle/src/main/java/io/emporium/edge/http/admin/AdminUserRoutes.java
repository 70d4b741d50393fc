package io.emporium.edge.http.admin;

import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.UserJson;
import io.emporium.edge.identity.IdentityService;
import io.emporium.edge.identity.domain.Caller;
import io.emporium.edge.identity.domain.User;
import io.emporium.edge.identity.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/** {@code /admin/users}: list and search accounts, change a role, deactivate. Admins only. */
public final class AdminUserRoutes {
  private static final Set<String> ROLES = Set.of("customer", "seller", "admin");
  private static final Set<String> LIST_PARAMS = Set.of("q", "role", "active", "limit", "cursor");

  private final IdentityService identity;
  private final UserStore users;

  public AdminUserRoutes(IdentityService identity, UserStore users) {
    this.identity = identity;
    this.users = users;
  }

  public void mount(Router api) {
    api.get("/admin/users").handler(Endpoint.of(this::list));
    api.get("/admin/users/:id").handler(Endpoint.of(this::get));
    api.patch("/admin/users/:id").handler(Endpoint.of(this::update));
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    MultiMap params = Paging.params(ctx, LIST_PARAMS);
    int limit = Paging.limit(params);
    Cursor after = Paging.cursor(params);
    String q = params.get("q");
    if (q != null && (q.isBlank() || q.length() > 100)) {
      throw ApiProblem.invalid("q", "must be 1 to 100 characters");
    }
    String role = params.get("role");
    if (role != null && !ROLES.contains(role)) {
      throw ApiProblem.invalid("role", "must be one of admin, customer, seller");
    }
    String active = params.get("active");
    if (active != null && !active.equals("true") && !active.equals("false")) {
      throw ApiProblem.invalid("active", "must be true or false");
    }
    return users
        .search(
            q == null ? null : q.strip(),
            role,
            active == null ? null : Boolean.valueOf(active),
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit)
        .map(
            page -> {
              JsonArray items = new JsonArray();
              page.users().forEach(u -> items.add(UserJson.forAdmin(u)));
              User last = page.users().isEmpty() ? null : page.users().get(page.users().size() - 1);
              return Reply.ok(
                  new JsonObject()
                      .put("items", items)
                      .put(
                          "nextCursor",
                          page.more() ? new Cursor(last.createdAt(), last.id()).encode() : null));
            });
  }

  Future<Reply> get(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    Paging.params(ctx, Set.of());
    UUID id = userId(ctx);
    return users
        .byId(id)
        .map(found -> Reply.ok(UserJson.forAdmin(found.orElseThrow(() -> noUser(id)))));
  }

  Future<Reply> update(RoutingContext ctx) {
    Caller admin = Authn.requireRole(ctx, "admin");
    UUID id = userId(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    String role = f.oneOf("role", ROLES, null);
    Boolean active = f.optionalBoolean("active");
    for (String readOnly : new String[] {"email", "fullName", "emailVerified", "id", "createdAt"}) {
      f.forbid(readOnly, "cannot be changed here");
    }
    f.throwIfInvalid();
    return identity
        .changeAccount(admin, Authn.callContext(ctx), id, role, active)
        .map(user -> Reply.ok(UserJson.forAdmin(user)));
  }

  private static UUID userId(RoutingContext ctx) {
    UUID id = Ids.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiProblem.notFound("No user " + ctx.pathParam("id") + ".");
    }
    return id;
  }

  private static ApiProblem noUser(UUID id) {
    return ApiProblem.notFound("No user " + id + ".");
  }
}
