package io.emporium.edge.http.admin;

import io.emporium.common.Cursor;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.common.events.ParkingAdmin;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.proto.ops.v1.ListParkedRequest;
import io.emporium.proto.ops.v1.ParkedList;
import io.emporium.proto.ops.v1.ParkedMessage;
import io.emporium.proto.ops.v1.ParkedRef;
import io.emporium.proto.ops.v1.ParkingGrpcClient;
import io.emporium.proto.ops.v1.RetryParkedReply;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /admin/events/parked}: messages any service's consumers parked, for admins. Each service
 * keeps its own over its {@code Parking} gRPC contract (the edge's own in its schema); an id {@code
 * <service>:<uuid>} says which.
 */
public final class AdminParkingRoutes {
  private static final Set<String> PARAMS = Set.of("limit", "cursor");
  private static final Pattern ID =
      Pattern.compile("(edge|catalog|ordering|payment|realtime):[0-9a-fA-F-]{36}");
  private final ParkingAdmin edge;
  private final Map<String, GrpcCalls> services;

  /** {@code services} by the name their ids start with. */
  public AdminParkingRoutes(ParkingAdmin edge, Map<String, GrpcCalls> services) {
    this.edge = edge;
    this.services = services;
  }

  public static Map<String, GrpcCalls> byName(
      java.util.function.BiFunction<Service, String, GrpcCalls> peer) {
    Map<String, GrpcCalls> out = new LinkedHashMap<>();
    for (Service s :
        List.of(Service.CATALOG, Service.ORDERING, Service.PAYMENT, Service.REALTIME)) {
      String name = s.name().toLowerCase(java.util.Locale.ROOT);
      out.put(name, peer.apply(s, name));
    }
    return out;
  }

  public void mount(Router api) {
    api.get("/admin/events/parked").handler(Endpoint.of(this::list));
    api.post("/admin/events/parked/:id/retry").handler(Endpoint.of(this::retry));
    api.delete("/admin/events/parked/:id").handler(Endpoint.of(this::discard));
  }

  /**
   * Oldest failure first across every service: each gives its page after the cursor, and the merge
   * keeps the first {@code limit}.
   */
  Future<Reply> list(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    MultiMap params = Paging.singleParams(ctx, PARAMS);
    int limit = Paging.limit(params);
    Cursor after = Paging.cursor(params);
    ListParkedRequest request =
        ListParkedRequest.newBuilder()
            .setLimit(limit)
            .setAfter(after == null ? "" : after.encode())
            .build();
    CallContext caller = Authn.callContext(ctx);
    List<Future<ParkedList>> pages = new ArrayList<>();
    pages.add(edge.list(limit, request.getAfter()));
    services
        .values()
        .forEach(s -> pages.add(s.call(ParkingGrpcClient.ListParked, request, caller)));
    return Future.all(pages)
        .map(
            all -> {
              List<ParkedMessage> merged = new ArrayList<>();
              boolean more = false;
              for (Future<ParkedList> page : pages) {
                merged.addAll(page.result().getMessagesList());
                more |= !page.result().getNext().isEmpty();
              }
              merged.sort(
                  Comparator.comparing((ParkedMessage m) -> Instant.parse(m.getFirstFailedAt()))
                      .thenComparing(AdminParkingRoutes::uuid));
              more |= merged.size() > limit;
              List<ParkedMessage> shown = merged.subList(0, Math.min(limit, merged.size()));
              JsonArray items = new JsonArray();
              shown.forEach(m -> items.add(json(m)));
              String next = null;
              if (more && !shown.isEmpty()) {
                ParkedMessage last = shown.get(shown.size() - 1);
                next =
                    new Cursor(
                            OffsetDateTime.ofInstant(
                                Instant.parse(last.getFirstFailedAt()), ZoneOffset.UTC),
                            uuid(last))
                        .encode();
              }
              return Reply.ok(new JsonObject().put("items", items).put("nextCursor", next));
            });
  }

  Future<Reply> retry(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    Paging.params(ctx, Set.of());
    String id = id(ctx);
    CallContext caller = Authn.callContext(ctx);
    Future<RetryParkedReply> reply =
        id.startsWith("edge:")
            ? edge.retry(id, caller)
            : services
                .get(service(id))
                .call(
                    ParkingGrpcClient.RetryParked,
                    ParkedRef.newBuilder().setId(id).build(),
                    caller);
    return reply.map(
        r ->
            Reply.ok(
                r.getApplied()
                    ? new JsonObject().put("id", id).put("applied", true)
                    : new JsonObject()
                        .put("id", id)
                        .put("applied", false)
                        .put("message", json(r.getStillParked()))));
  }

  Future<Reply> discard(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    Paging.params(ctx, Set.of());
    String id = id(ctx);
    CallContext caller = Authn.callContext(ctx);
    Future<?> done =
        id.startsWith("edge:")
            ? edge.discard(id, caller)
            : services
                .get(service(id))
                .call(
                    ParkingGrpcClient.DiscardParked,
                    ParkedRef.newBuilder().setId(id).build(),
                    caller);
    return done.map(v -> Reply.noContent());
  }

  private static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null
        || !ID.matcher(id).matches()
        || io.emporium.common.Ids.parse(id.substring(id.indexOf(':') + 1)) == null) {
      throw ApiProblem.invalid("id", "must be <service>:<uuid>, as the list gives it");
    }
    return id;
  }

  private static String service(String id) {
    return id.substring(0, id.indexOf(':'));
  }

  private static UUID uuid(ParkedMessage m) {
    return UUID.fromString(m.getId().substring(m.getId().indexOf(':') + 1));
  }

  private static JsonObject json(ParkedMessage m) {
    return new JsonObject()
        .put("id", m.getId())
        .put("service", m.getService())
        .put("source", m.getSource())
        .put("key", m.getKey())
        .put("attempts", m.getAttempts())
        .put("lastError", m.getLastError())
        .put("firstFailedAt", m.getFirstFailedAt());
  }
}
