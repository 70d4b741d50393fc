package io.emporium.edge.http.admin;

import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.audit.AuditLog;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code GET /admin/audit}: the audit log, newest first, for admins; read-only (no route changes an
 * entry).
 */
public final class AdminAuditRoutes {
  private static final Set<String> PARAMS =
      Set.of("actor", "action", "targetType", "target", "from", "to", "limit", "cursor");
  private static final Pattern ACTION = Pattern.compile("[a-z_]{1,40}\\.[a-z_]{1,40}");
  private static final Pattern TARGET_TYPE = Pattern.compile("[a-z_]{1,40}");

  private final AuditLog log;

  public AdminAuditRoutes(AuditLog log) {
    this.log = log;
  }

  public void mount(Router api) {
    api.get("/admin/audit").handler(Endpoint.of(this::list));
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    MultiMap params = Paging.singleParams(ctx, PARAMS);
    int limit = Paging.limit(params);
    Cursor after = Paging.cursor(params);
    String rawActor = params.get("actor");
    UUID actor = rawActor == null ? null : Ids.parse(rawActor);
    if (rawActor != null && actor == null) {
      throw ApiProblem.invalid("actor", "must be a user id");
    }
    String action = params.get("action");
    if (action != null && !ACTION.matcher(action).matches()) {
      throw ApiProblem.invalid("action", "must be an action name such as user.role_changed");
    }
    String targetType = params.get("targetType");
    if (targetType != null && !TARGET_TYPE.matcher(targetType).matches()) {
      throw ApiProblem.invalid("targetType", "must be a target type such as user, order or sku");
    }
    String target = params.get("target");
    if (target != null && (target.isBlank() || target.length() > 200)) {
      throw ApiProblem.invalid("target", "must be 1 to 200 characters");
    }
    OffsetDateTime from = ReportWindow.bound(params, "from", false);
    OffsetDateTime to = ReportWindow.bound(params, "to", true);
    if (from != null && to != null && from.isAfter(to)) {
      throw ApiProblem.invalid("from", "must not be after to");
    }
    return log.search(
            new AuditLog.Filter(actor, action, targetType, target, from, to), after, limit)
        .map(
            page -> {
              JsonArray items = new JsonArray();
              page.entries().forEach(items::add);
              return Reply.ok(
                  new JsonObject()
                      .put("items", items)
                      .put("nextCursor", page.next() == null ? null : page.next().encode()));
            });
  }
}
