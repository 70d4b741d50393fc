package io.emporium.edge.http.account;

import io.emporium.common.Ids;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.AddressJson;
import io.emporium.edge.http.json.UserJson;
import io.emporium.edge.identity.domain.Caller;
import io.emporium.edge.identity.store.AddressStore;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListFollowingRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** {@code /users/me}: the caller's profile and saved addresses. */
public final class AccountRoutes {
  private final UserStore users;
  private final AddressStore addresses;
  private final GrpcCalls catalog;

  public AccountRoutes(UserStore users, AddressStore addresses, GrpcCalls catalog) {
    this.users = users;
    this.addresses = addresses;
    this.catalog = catalog;
  }

  public void mount(Router api) {
    api.get("/users/me").handler(Endpoint.of(this::me));
    api.patch("/users/me").handler(Endpoint.of(this::updateMe));
    api.get("/users/me/addresses").handler(Endpoint.of(this::listAddresses));
    api.post("/users/me/addresses").handler(Endpoint.of(this::addAddress));
    api.get("/users/me/addresses/:id").handler(Endpoint.of(this::getAddress));
    api.patch("/users/me/addresses/:id").handler(Endpoint.of(this::updateAddress));
    api.delete("/users/me/addresses/:id").handler(Endpoint.of(this::deleteAddress));
    api.get("/users/me/following").handler(Endpoint.of(this::following));
  }

  /** The sellers the caller follows (kept by the catalog), with their display names (kept here). */
  Future<Reply> following(RoutingContext ctx) {
    Authn.caller(ctx);
    MultiMap params = Paging.params(ctx, Set.of("limit", "cursor"));
    ListFollowingRequest request =
        ListFollowingRequest.newBuilder()
            .setLimit(Paging.limit(params))
            .setCursor(params.get("cursor") == null ? "" : params.get("cursor"))
            .build();
    return catalog
        .call(CatalogGrpcClient.ListFollowing, request, Authn.callContext(ctx))
        .compose(
            page -> {
              List<UUID> ids =
                  page.getSellersList().stream()
                      .map(s -> UUID.fromString(s.getSellerId()))
                      .toList();
              return users
                  .names(ids)
                  .map(
                      names -> {
                        JsonArray items = new JsonArray();
                        page.getSellersList()
                            .forEach(
                                s ->
                                    items.add(
                                        new JsonObject()
                                            .put("id", s.getSellerId())
                                            .put(
                                                "displayName",
                                                names.get(UUID.fromString(s.getSellerId())))
                                            .put("followedAt", s.getFollowedAt())));
                        return Reply.ok(
                            new JsonObject()
                                .put("items", items)
                                .put(
                                    "nextCursor",
                                    page.getNextCursor().isEmpty() ? null : page.getNextCursor()));
                      });
            });
  }

  Future<Reply> me(RoutingContext ctx) {
    return Future.succeededFuture(Reply.ok(UserJson.of(Authn.caller(ctx).user())));
  }

  Future<Reply> updateMe(RoutingContext ctx) {
    Caller caller = Authn.caller(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    String fullName = f.optional("fullName", 100);
    for (String readOnly : new String[] {"email", "role", "emailVerified", "id", "createdAt"}) {
      f.forbid(readOnly, "is read-only here");
    }
    f.throwIfInvalid();
    if (fullName == null) {
      return Future.succeededFuture(Reply.ok(UserJson.of(caller.user())));
    }
    return users.setName(caller.userId(), fullName).map(user -> Reply.ok(UserJson.of(user)));
  }

  Future<Reply> listAddresses(RoutingContext ctx) {
    Caller caller = Authn.caller(ctx);
    return addresses
        .list(caller.userId())
        .map(
            list ->
                Reply.ok(new JsonObject().put("items", new JsonArray(list)).putNull("nextCursor")));
  }

  Future<Reply> getAddress(RoutingContext ctx) {
    Caller caller = Authn.caller(ctx);
    return addresses
        .find(caller.userId(), addressId(ctx))
        .map(found -> Reply.ok(found.orElseThrow(AccountRoutes::noAddress)));
  }

  Future<Reply> addAddress(RoutingContext ctx) {
    Caller caller = Authn.caller(ctx);
    JsonObject address = AddressJson.read(JsonBodies.object(ctx), new JsonObject());
    return addresses
        .add(caller.userId(), address)
        .map(
            saved ->
                Reply.created(
                    saved.orElseThrow(
                        () ->
                            ApiProblem.conflict(
                                "You already have "
                                    + AddressStore.MAX_PER_USER
                                    + " addresses; delete one first."))));
  }

  Future<Reply> updateAddress(RoutingContext ctx) {
    Caller caller = Authn.caller(ctx);
    UUID id = addressId(ctx);
    JsonObject patch = JsonBodies.object(ctx);
    return addresses
        .find(caller.userId(), id)
        .compose(
            found -> {
              JsonObject merged =
                  AddressJson.read(patch, found.orElseThrow(AccountRoutes::noAddress));
              return addresses.replace(caller.userId(), id, merged);
            })
        .map(saved -> Reply.ok(saved.orElseThrow(AccountRoutes::noAddress)));
  }

  Future<Reply> deleteAddress(RoutingContext ctx) {
    Caller caller = Authn.caller(ctx);
    return addresses
        .delete(caller.userId(), addressId(ctx))
        .map(
            deleted -> {
              if (!deleted) {
                throw noAddress();
              }
              return Reply.noContent();
            });
  }

  private static UUID addressId(RoutingContext ctx) {
    UUID id = Ids.parse(ctx.pathParam("id"));
    if (id == null) {
      throw noAddress();
    }
    return id;
  }

  private static ApiProblem noAddress() {
    return ApiProblem.notFound("You have no address with this id.");
  }
}
