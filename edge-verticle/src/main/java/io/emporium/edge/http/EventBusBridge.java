package io.emporium.edge.http;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.identity.IdentityService;
import io.emporium.edge.identity.domain.Caller;
import io.emporium.edge.identity.publish.AccessChanges;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.emporium.proto.realtime.v1.MissedPushesRequest;
import io.emporium.proto.realtime.v1.Push;
import io.emporium.proto.realtime.v1.RealtimeGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SockJS event-bus bridge at {@code /eventbus} (API.md "Real time"). Browsers only listen, each
 * on its own addresses, registering with their access token (a guest, on their order's {@code
 * order.{orderId}}, with its {@code X-Order-Token}, which ordering checks); a {@code since} header
 * first replays, in order, what that address got after that sequence number. Every message carries
 * its address's {@code seq}; none reaches a socket twice, and none after the registering token
 * expired (the socket is closed then, for the client to come back with a new one). Access is live:
 * when identity announces a user's access changed ({@link AccessChanges}, heard by every clustered
 * edge), that user's registrations are checked again, and those no longer allowed get an error
 * frame and nothing more. State is per edge instance and touched only on its event loop.
 */
public final class EventBusBridge {
  public static final String PATH = "/eventbus/*";
  private static final String UUID_RE =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern OWN =
      Pattern.compile(
          "(user\\.(" + UUID_RE + ")\\.(orders|inventory))|(seller\\.(" + UUID_RE + ")\\.orders)");
  private static final Pattern GUEST_ORDER = Pattern.compile("order\\.(" + UUID_RE + ")");
  private static final String ADMIN_ALERTS = "admin.alerts";
  private static final int CATCH_UP_PAGE = 500;
  private static final int CATCH_UP_PAGES = 20;

  private final Vertx vertx;
  private final IdentityService identity;
  private final GrpcCalls realtime;
  private final GrpcCalls ordering;
  private final Map<SockJSSocket, Map<String, Feed>> feeds = new HashMap<>();
  // registrations whose token is being checked, and the announcements heard meanwhile: one of those
  // may have been
  // read before it committed, so such a registration is checked again
  private int checking;
  private long announcements;
  private final Map<UUID, Long> announcedWhileChecking = new HashMap<>();
  private MessageConsumer<JsonObject> accessChanges;

  /**
   * One address one socket listens on: the last number it was sent, and live messages held while it
   * catches up.
   */
  private static final class Feed {
    final String token;
    // null for a guest's order token, which no access change of a user touches
    final UUID userId;
    final Instant tokenExpiresAt;
    // access was withdrawn: nothing more is delivered, and the address stays taken until
    // unregistered
    boolean revoked;
    long lastSeq;
    // the client's position is known: from since, or from a message it was sent
    boolean anchored;
    boolean catchingUp;
    boolean replaying;
    final List<BridgeEvent> held = new ArrayList<>();

    Feed(Long since, String token, Caller caller) {
      this.token = token;
      this.userId = caller.userId();
      this.tokenExpiresAt = caller.tokenExpiresAt();
      this.lastSeq = since == null ? 0 : since;
      this.anchored = since != null;
      this.catchingUp = since != null;
    }

    /** A guest's registration: an order token does not expire. */
    Feed(Long since, String orderToken) {
      this.token = orderToken;
      this.userId = null;
      this.tokenExpiresAt = Instant.MAX;
      this.lastSeq = since == null ? 0 : since;
      this.anchored = since != null;
      this.catchingUp = since != null;
    }
  }

  public EventBusBridge(
      Vertx vertx, IdentityService identity, GrpcCalls realtime, GrpcCalls ordering) {
    this.vertx = vertx;
    this.identity = identity;
    this.realtime = realtime;
    this.ordering = ordering;
  }

  /**
   * SockJS's routes, behind a handler that keeps its CORS answers to what the edge's CORS handler
   * allowed.
   */
  public Router router() {
    SockJSBridgeOptions options =
        new SockJSBridgeOptions()
            // nothing inbound is permitted: browsers only listen
            .addOutboundPermitted(
                new PermittedOptions()
                    .setAddressRegex(
                        OWN.pattern() + "|" + GUEST_ORDER.pattern() + "|admin\\.alerts"))
            .setMaxHandlersPerSocket(8);
    // the token travels in frames, never in a cookie: no JSESSIONID (sticky sessions are the load
    // balancer's job)
    Router router =
        SockJSHandler.create(vertx, new SockJSHandlerOptions().setInsertJSESSIONID(false))
            .bridge(options, this::handle);
    router.route().order(-1).handler(EventBusBridge::onlyConfiguredCors);
    accessChanges =
        vertx
            .eventBus()
            .consumer(
                AccessChanges.ADDRESS,
                m -> {
                  UUID userId = AccessChanges.userOf(m.body());
                  if (userId != null) {
                    accessChanged(userId);
                  }
                });
    return router;
  }

  /** Done once every edge on the cluster will hear access changes. */
  public Future<Void> listening() {
    return accessChanges.completion();
  }

  /**
   * SockJS answers CORS itself, echoing any Origin (even {@code null}) with credentials, unless the
   * edge's CORS handler allowed the request first; so an answer that handler did not allow leaves
   * without CORS headers.
   */
  private static void onlyConfiguredCors(RoutingContext ctx) {
    if (!ctx.response().headers().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
      ctx.addHeadersEndHandler(
          v ->
              ctx.response()
                  .headers()
                  .remove(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                  .remove(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS)
                  .remove(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS)
                  .remove(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS)
                  .remove(HttpHeaders.ACCESS_CONTROL_MAX_AGE));
    }
    ctx.next();
  }

  void handle(BridgeEvent event) {
    switch (event.type()) {
      case SOCKET_CREATED -> {
        feeds.put(event.socket(), new HashMap<>());
        event.complete(true);
      }
      case REGISTER -> register(event);
      case REGISTERED -> {
        event.complete(true);
        Map<String, Feed> of = feeds.get(event.socket());
        Feed feed = of == null ? null : of.get(event.getRawMessage().getString("address"));
        if (feed != null && feed.catchingUp) {
          catchUp(event.socket(), event.getRawMessage().getString("address"), feed);
        }
      }
      case RECEIVE -> receive(event);
      case UNREGISTER -> {
        Map<String, Feed> of = feeds.get(event.socket());
        Feed gone = of == null ? null : of.remove(event.getRawMessage().getString("address"));
        if (gone != null) {
          gone.held.forEach(held -> held.complete(false));
        }
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        Map<String, Feed> gone = feeds.remove(event.socket());
        if (gone != null) {
          gone.values().forEach(f -> f.held.forEach(held -> held.complete(false)));
        }
        event.complete(true);
      }
      case SEND, PUBLISH -> event.complete(false);
      default -> event.complete(true);
    }
  }

  /**
   * Allowed only with a live session's token, for the caller's own address; answered without
   * blocking.
   */
  private void register(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = raw.getString("address", "");
    Object headers = raw.getValue("headers");
    JsonObject h = headers instanceof JsonObject o ? o : new JsonObject();
    String token = bearer(h.getValue("Authorization", h.getValue("authorization")));
    Object sinceValue = h.getValue("since");
    Long since = sinceValue == null ? null : sequence(sinceValue);
    Object orderToken = h.getValue("X-Order-Token");
    if (orderToken != null && (sinceValue == null || since != null)) {
      registerGuest(event, address, orderToken, since);
      return;
    }
    if (token == null || (sinceValue != null && since == null)) {
      event.complete(false);
      return;
    }
    checking++;
    authenticateAfterAnnouncements(token)
        .onComplete(
            ar -> {
              if (--checking == 0) {
                announcedWhileChecking.clear();
              }
              // the socket may have closed while the token was checked: then there is no entry, and
              // none is made again
              Map<String, Feed> of = feeds.get(event.socket());
              if (ar.failed()
                  || of == null
                  || of.containsKey(address)
                  || !owns(ar.result(), address)) {
                event.complete(false);
                return;
              }
              of.put(address, new Feed(since, token, ar.result()));
              event.complete(true);
            });
  }

  /**
   * A guest on their order's address: allowed when ordering reads the order with the token (one
   * non-blocking call); refused for any other address or token.
   */
  private void registerGuest(BridgeEvent event, String address, Object orderToken, Long since) {
    Matcher m = GUEST_ORDER.matcher(address);
    if (!(orderToken instanceof String token) || token.isBlank() || !m.matches()) {
      event.complete(false);
      return;
    }
    ordering
        .call(
            OrderingGrpcClient.GetOrder,
            OrderRef.newBuilder().setId(m.group(1)).setOrderToken(token.strip()).build(),
            CallContext.anonymous(null))
        .onComplete(
            ar -> {
              Map<String, Feed> of = feeds.get(event.socket());
              if (ar.failed() || of == null || of.containsKey(address)) {
                event.complete(false);
                return;
              }
              of.put(address, new Feed(since, token));
              event.complete(true);
            });
  }

  /**
   * The token's caller, read again when an access change of theirs was announced while it was being
   * read.
   */
  private Future<Caller> authenticateAfterAnnouncements(String token) {
    long before = announcements;
    return identity
        .authenticate(token)
        .compose(
            caller -> {
              Long announced = announcedWhileChecking.get(caller.userId());
              return announced != null && announced > before
                  ? authenticateAfterAnnouncements(token)
                  : Future.succeededFuture(caller);
            });
  }

  /**
   * Checks the user's registrations on this edge again (one check per token); those no longer
   * allowed are revoked.
   */
  private void accessChanged(UUID userId) {
    announcements++;
    if (checking > 0) {
      announcedWhileChecking.put(userId, announcements);
    }
    record Registration(SockJSSocket socket, String address, Feed feed) {}
    List<Registration> theirs = new ArrayList<>();
    feeds.forEach(
        (socket, of) ->
            of.forEach(
                (address, feed) -> {
                  if (!feed.revoked && userId.equals(feed.userId)) {
                    theirs.add(new Registration(socket, address, feed));
                  }
                }));
    Map<String, Future<Caller>> checks = new HashMap<>();
    for (Registration r : theirs) {
      checks
          .computeIfAbsent(r.feed().token, identity::authenticate)
          .onComplete(
              ar -> {
                // a failed check counts as revoked: the client registers again, and that check
                // decides
                if (isCurrent(r.socket(), r.address(), r.feed())
                    && (ar.failed() || !owns(ar.result(), r.address()))) {
                  revoke(r.socket(), r.address(), r.feed());
                }
              });
    }
  }

  /**
   * Nothing more reaches the registration; the socket closes once none of its registrations is left
   * alive.
   */
  private void revoke(SockJSSocket socket, String address, Feed feed) {
    feed.revoked = true;
    feed.held.forEach(held -> held.complete(false));
    feed.held.clear();
    socket.write(error("access_revoked", address));
    Map<String, Feed> of = feeds.get(socket);
    if (of != null && of.values().stream().allMatch(f -> f.revoked)) {
      socket.close();
    }
  }

  static boolean owns(Caller caller, String address) {
    if (ADMIN_ALERTS.equals(address)) {
      return "admin".equals(caller.role());
    }
    Matcher m = OWN.matcher(address);
    if (!m.matches()) {
      return false;
    }
    if (m.group(1) != null) {
      return caller.userId().equals(Ids.parse(m.group(2)));
    }
    return "seller".equals(caller.role()) && caller.userId().equals(Ids.parse(m.group(5)));
  }

  /**
   * Live messages wait while missed ones are written; a message already sent is dropped; a gap is
   * filled first.
   */
  private void receive(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = raw.getString("address");
    Map<String, Feed> of = feeds.get(event.socket());
    Feed feed = of == null ? null : of.get(address);
    if (feed == null || feed.revoked) {
      event.complete(false);
      return;
    }
    if (Instant.now().isAfter(feed.tokenExpiresAt)) {
      // nothing is lost: the client reconnects with a fresh token and since = the last seq it saw
      event.complete(false);
      event.socket().write(error("token_expired", address));
      event.socket().close();
      return;
    }
    if (feed.catchingUp) {
      feed.held.add(event);
      return;
    }
    Long seq = seqOf(raw);
    if (seq != null && feed.anchored && seq > feed.lastSeq + 1) {
      // an earlier message was lost on the way (or overtaken): read it back before this one goes
      // out
      feed.catchingUp = true;
      feed.held.add(event);
      catchUp(event.socket(), address, feed);
      return;
    }
    release(feed, event);
  }

  private static void release(Feed feed, BridgeEvent event) {
    Long seq = seqOf(event.getRawMessage());
    if (seq != null && seq <= feed.lastSeq) {
      event.complete(false);
      return;
    }
    if (seq != null) {
      feed.lastSeq = seq;
      feed.anchored = true;
    }
    event.complete(true);
  }

  /**
   * Writes what the address got after the feed's last number, then the live messages held
   * meanwhile. For a registration it runs once the bridge's consumer is in place, so nothing
   * published meanwhile can fall between.
   */
  private void catchUp(SockJSSocket socket, String address, Feed feed) {
    if (feed.replaying) {
      return;
    }
    feed.replaying = true;
    replay(socket, address, feed, 0)
        .onComplete(
            ar -> {
              feed.replaying = false;
              if (!isCurrent(socket, address, feed)) {
                return;
              }
              if (ar.failed()) {
                socket.write(error("catch_up_failed", address));
              } else if (ar.result()) {
                socket.write(error("catch_up_truncated", address));
              }
              feed.catchingUp = false;
              feed.anchored = true;
              List<BridgeEvent> waiting = new ArrayList<>(feed.held);
              feed.held.clear();
              waiting.forEach(held -> release(feed, held));
            });
  }

  /**
   * Answers whether some were missing: older than the retention window, or more than the pages
   * replayed.
   */
  private Future<Boolean> replay(SockJSSocket socket, String address, Feed feed, int page) {
    MissedPushesRequest request =
        MissedPushesRequest.newBuilder()
            .setAddress(address)
            .setAfterSeq(feed.lastSeq)
            .setLimit(CATCH_UP_PAGE)
            .build();
    return realtime
        .call(
            RealtimeGrpcClient.ListMissedPushes,
            request,
            CallContext.service(UUID.randomUUID().toString(), "edge"))
        .compose(
            missed -> {
              if (!isCurrent(socket, address, feed)) {
                return Future.succeededFuture(false);
              }
              for (Push push : missed.getPushesList()) {
                socket.write(
                    Buffer.buffer(
                        new JsonObject()
                            .put("type", "rec")
                            .put("address", address)
                            .put("body", new JsonObject(push.getBody()))
                            .encode()));
                feed.lastSeq = push.getSeq();
              }
              boolean full = missed.getPushesCount() == CATCH_UP_PAGE;
              if (full && page + 1 < CATCH_UP_PAGES) {
                return replay(socket, address, feed, page + 1);
              }
              return Future.succeededFuture(full || missed.getTruncated());
            });
  }

  /**
   * The feed is still this socket's live registration for the address (not unregistered, replaced,
   * revoked or closed).
   */
  private boolean isCurrent(SockJSSocket socket, String address, Feed feed) {
    Map<String, Feed> of = feeds.get(socket);
    return of != null && of.get(address) == feed && !feed.revoked;
  }

  private static Buffer error(String body, String address) {
    return Buffer.buffer(
        new JsonObject().put("type", "err").put("body", body).put("address", address).encode());
  }

  private static Long seqOf(JsonObject raw) {
    return raw.getValue("body") instanceof JsonObject body
            && body.getValue("seq") instanceof Number n
        ? n.longValue()
        : null;
  }

  private static String bearer(Object header) {
    if (!(header instanceof String s)
        || !s.regionMatches(true, 0, "Bearer ", 0, 7)
        || s.length() <= 7) {
      return null;
    }
    return s.substring(7).strip();
  }

  private static Long sequence(Object value) {
    try {
      long n =
          value instanceof Number num ? num.longValue() : Long.parseLong(value.toString().strip());
      return n < 0 ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
